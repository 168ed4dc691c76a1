// A staff member's console preferences. This module is the one place that knows where they are
// kept: the language and the theme with the account, on the exporter (GET/PUT
// /api/auth/preferences), so they follow the person to any browser; the auto-refresh choice in
// this browser's localStorage, per account, since it belongs to the screen (a wall screen on
// live, a laptop on 30 s).
import { SESSION_URLS } from '../api/session.ts';
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

/** What the account's store needs of the ApiClient. */
export interface PreferenceApi {
  get<T>(url: string): Promise<T>;
  put<T>(url: string, body: unknown): Promise<T>;
}

/** The exporter's shape: both fields, null when not chosen. */
interface AccountPreferences {
  language: string | null;
  theme: string | null;
}

const accountPart = (preferences: Preferences): AccountPreferences => ({ language: preferences.language ?? null, theme: preferences.theme ?? null });

/**
 * Language and theme with the account on the exporter, the rest in `device`. A failed read
 * counts as "nothing chosen"; a failed write keeps the choice for this page only. Only a change
 * of language or theme is sent.
 */
export function accountPreferenceStore(api: PreferenceApi, device: PreferenceStore): PreferenceStore {
  let saved: string | undefined;
  return {
    async load() {
      const [account, local] = await Promise.all([api.get<AccountPreferences>(SESSION_URLS.preferences).catch(() => undefined), device.load()]);
      const { language, theme } = readPreferences(account);
      if (account) saved = JSON.stringify(accountPart({ language, theme }));
      return readPreferences({ language, theme, refresh: local.refresh });
    },
    async save(preferences) {
      await device.save({ refresh: preferences.refresh });
      const body = accountPart(readPreferences(preferences));
      if (JSON.stringify(body) === saved) return;
      try {
        await api.put(SESSION_URLS.preferences, body);
        saved = JSON.stringify(body);
      } catch {
        // the exporter refused or did not answer: the choice lasts for this page
      }
    },
  };
}

/** The store the console uses for an account. */
export function preferenceStoreFor(api: PreferenceApi, accountId: string): PreferenceStore {
  return accountPreferenceStore(api, localPreferenceStore(globalThis.localStorage, accountId));
}
