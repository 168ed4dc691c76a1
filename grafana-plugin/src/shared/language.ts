import { config } from '@grafana/runtime';

/** The languages the monitoring catalogue labels everything in: Bahasa Indonesia and English. */
export type Language = 'id' | 'en';

/** Words shown to a person, in every language (the catalogue's labels have this shape). */
export type Label = Readonly<Record<Language, string>>;

export function isLanguage(value: unknown): value is Language {
  return value === 'id' || value === 'en';
}

/**
 * The language of the signed-in Grafana user: Indonesian when Grafana's UI is (`id-ID`), English
 * otherwise. Grafana resolves the user's preference to one of its languages in `config.language`.
 */
export function userLanguage(): Language {
  const language = config.language ?? config.bootData?.user?.language ?? '';
  return language.toLowerCase().startsWith('id') ? 'id' : 'en';
}

/** The language a view uses: the one it was given (a dashboard's), else the user's. */
export function languageOf(requested: unknown): Language {
  return isLanguage(requested) ? requested : userLanguage();
}

/** A label's words in a language, with `{name}` placeholders filled in. */
export function fill(label: Label, language: Language, values: Record<string, string>): string {
  return label[language].replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}
