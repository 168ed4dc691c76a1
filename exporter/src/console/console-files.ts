import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The exporter folder: this module sits two levels below it, in src/ and in the compiled dist/ alike. */
const EXPORTER_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** The console's browser sources (Preact + TypeScript). */
export const CONSOLE_SOURCE_DIR = join(EXPORTER_DIR, 'console');

/**
 * The built console, inside the exporter's git-ignored dist/ so that the production image,
 * which ships dist/, carries it without a separate copy step.
 */
export const CONSOLE_OUT_DIR = join(EXPORTER_DIR, 'dist', 'console');

/** Content-hashed JavaScript, CSS and icon files, cached for a year. */
export const CONSOLE_ASSETS_DIR = join(CONSOLE_OUT_DIR, 'assets');

/** The HTML shell naming the hashed files: served for every console URL, never cached. */
export const CONSOLE_SHELL_FILE = join(CONSOLE_OUT_DIR, 'index.html');

/** Where the browser finds the console. */
export const CONSOLE_BASE_PATH = '/console';
