import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildConsole } from '../../src/console/console-build.js';
import { CONSOLE_ASSETS_DIR, CONSOLE_SHELL_FILE } from '../../src/console/console-files.js';
import { iconModuleIsCurrent } from '../../src/console/console-icons.js';

/** The console's budget for all its JavaScript and CSS, gzip-compressed. */
const BUDGET_BYTES = 150 * 1024;

describe('console build', () => {
  it('names every asset by its content hash and points the shell at them', async () => {
    const { assets } = await buildConsole({ ifStale: true });
    const shell = readFileSync(CONSOLE_SHELL_FILE, 'utf8');
    for (const url of Object.values(assets)) {
      assert.match(url, /^\/console\/assets\/[\w]+-[A-Za-z0-9]{8,}\.(js|css|svg)$/);
      assert.ok(shell.includes(`"${url}"`), `${url} in index.html`);
      assert.ok(readdirSync(CONSOLE_ASSETS_DIR).includes(url.split('/').pop()!));
    }
    assert.doesNotMatch(shell, /<script>|<style>|style=/, 'no inline script or style in the shell');
  });

  it('skips the build when the sources have not changed', async () => {
    await buildConsole({ ifStale: true });
    const again = await buildConsole({ ifStale: true });
    assert.equal(again.built, false);
  });

  it(`stays within ${BUDGET_BYTES / 1024} KB of JavaScript and CSS, gzipped`, async () => {
    await buildConsole({ ifStale: true });
    const files = readdirSync(CONSOLE_ASSETS_DIR).filter((name) => /\.(js|css)$/.test(name));
    assert.equal(files.filter((name) => name.endsWith('.js')).length, 1);
    assert.equal(files.filter((name) => name.endsWith('.css')).length, 1);
    const total = files.reduce((sum, name) => sum + gzipSync(readFileSync(join(CONSOLE_ASSETS_DIR, name))).length, 0);
    console.log(`console bundle: ${(total / 1024).toFixed(1)} KB gzipped (${files.join(', ')})`);
    assert.ok(total <= BUDGET_BYTES, `${total} bytes gzipped is over the ${BUDGET_BYTES} byte budget`);
  });

  it('ships the icons the generator makes (npm run console:icons -w exporter after changing the list)', async () => {
    assert.equal(await iconModuleIsCurrent(), true);
  });
});
