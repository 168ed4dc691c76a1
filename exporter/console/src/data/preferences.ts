// A staff member's console preferences. This module is the one place that knows where they are
// kept: for now the browser's localStorage, one entry per account; swapping in server-side
// storage changes only `preferenceStoreFor`.
import { isConsoleLanguage } from '../i18n/i18n.ts';
import type { ConsoleLanguage } from '../i18n/strings.ts';
import { isRefreshChoice, type RefreshChoice } from './refresh-scheduler.ts';

export const THEMES = ['dark', 'light'] as const;
export type Theme = (typeof THEMES)[number];
export const DEFAULT_THEME: Theme = 'dark';

export interface Preferences {
  language?: ConsoleLanguage;
  theme?: Theme;
  refresh?: RefreshChoice;
}

export interface PreferenceStore {
  load(): Promise<Preferences>;
  save(preferences: Preferences): Promise<void>;
}

/** Keeps only the fields that are valid: a stored value from an older console never breaks a newer one. */
export function readPreferences(raw: unknown): Preferences {
  const value = (raw ?? {}) as Record<string, unknown>;
  const preferences: Preferences = {};
  if (isConsoleLanguage(value.language)) preferences.language = value.language;
  if ((THEMES as readonly unknown[]).includes(value.theme)) preferences.theme = value.theme as Theme;
  if (isRefreshChoice(value.refresh)) preferences.refresh = value.refresh;
  return preferences;
}

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function localPreferenceStore(storage: KeyValueStorage, accountId: string): PreferenceStore {
  const key = `kewhats.console.preferences.${accountId}`;
  return {
    async load() {
      try {
        return readPreferences(JSON.parse(storage.getItem(key) ?? '{}'));
      } catch {
        return {};
      }
    },
    async save(preferences) {
      try {
        storage.setItem(key, JSON.stringify(readPreferences(preferences)));
      } catch {
        // storage full or disabled: the choice lasts for this page only
      }
    },
  };
}

/** The store the console uses for an account. */
export function preferenceStoreFor(accountId: string): PreferenceStore {
  return localPreferenceStore(globalThis.localStorage, accountId);
}
