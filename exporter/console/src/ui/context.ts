import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Catalogue, CatalogueSection } from '../api/catalogue.ts';
import type { ApiClient } from '../api/http.ts';
import type { SessionInfo } from '../api/session.ts';
import type { Preferences, Theme } from '../data/preferences.ts';
import type { Translate } from '../i18n/i18n.ts';
import type { ConsoleLanguage } from '../i18n/strings.ts';

/** What every page of a signed-in console shares. */
export interface ConsoleContextValue {
  api: ApiClient;
  catalogue: Catalogue;
  /** the catalogue's sections in sidebar order */
  sections: readonly CatalogueSection[];
  session: SessionInfo;
  language: ConsoleLanguage;
  t: Translate;
  theme: Theme;
  preferences: Preferences;
  updatePreferences(change: Preferences): void;
  signOut(): Promise<void>;
}

export const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside the console');
  return value;
}
