import { z } from 'zod';
import type { PrismaClient } from '../db/prisma.js';
import { LANGUAGES } from '../sections/presentation.js';
import type { Clock } from './clock.js';

/** The console's themes (docs/console.md). */
export const CONSOLE_THEMES = ['dark', 'light'] as const;

/** A staff member's console preferences; null is "not chosen" (the browser's language, the dark theme). */
export interface StaffPreferences {
  language: (typeof LANGUAGES)[number] | null;
  theme: (typeof CONSOLE_THEMES)[number] | null;
}

/** The body of PUT /api/auth/preferences: both fields, each a known value or null. */
export const staffPreferencesSchema = z.strictObject(
  {
    language: z.enum(LANGUAGES, { message: `language must be one of ${LANGUAGES.join(', ')}, or null` }).nullable(),
    theme: z.enum(CONSOLE_THEMES, { message: `theme must be one of ${CONSOLE_THEMES.join(', ')}, or null` }).nullable(),
  },
  { message: 'body must be {"language": "id" | "en" | null, "theme": "dark" | "light" | null}' },
);

const NOT_CHOSEN: StaffPreferences = { language: null, theme: null };

/** A stored value an older or newer exporter wrote that this one does not know counts as not chosen. */
function known(row: { language: string | null; theme: string | null } | null): StaffPreferences {
  if (!row) return NOT_CHOSEN;
  return {
    language: (LANGUAGES as readonly (string | null)[]).includes(row.language) ? (row.language as StaffPreferences['language']) : null,
    theme: (CONSOLE_THEMES as readonly (string | null)[]).includes(row.theme) ? (row.theme as StaffPreferences['theme']) : null,
  };
}

/** Console preferences per account, in the exporter's own table ("StaffPreference"). */
export class StaffPreferenceStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
  ) {}

  async of(userId: string): Promise<StaffPreferences> {
    return known(await this.prisma.staffPreference.findUnique({ where: { userId }, select: { language: true, theme: true } }));
  }

  /** Stores both choices; undefined when the account does not exist (a bearer token outliving its user). */
  async save(userId: string, preferences: StaffPreferences): Promise<StaffPreferences | undefined> {
    const data = { language: preferences.language, theme: preferences.theme, updatedAt: new Date(this.clock()) };
    try {
      const row = await this.prisma.staffPreference.upsert({
        where: { userId },
        create: { userId, ...data },
        update: data,
        select: { language: true, theme: true },
      });
      return known(row);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'P2003') return undefined; // foreign key: no such user
      throw error;
    }
  }
}
