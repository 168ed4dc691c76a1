import type { LocalizedText } from '../api/catalogue.ts';
import { CONSOLE_LANGUAGES, STRINGS, type ConsoleLanguage, type StringKey } from './strings.ts';

export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: StringKey, params?: Params) => string;

export function isConsoleLanguage(value: unknown): value is ConsoleLanguage {
  return (CONSOLE_LANGUAGES as readonly unknown[]).includes(value);
}

/** Fills `{name}` placeholders. */
export function fill(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

export function translator(language: ConsoleLanguage): Translate {
  return (key, params) => fill(STRINGS[key][language], params);
}

/** A catalogue text in the chosen language (English, then any language, when it lacks one). */
export function localized(text: LocalizedText | undefined, language: string): string {
  if (!text) return '';
  return text[language] ?? text.en ?? Object.values(text)[0] ?? '';
}

/**
 * The first of `preferred` (a remembered choice, then the browser's languages: `id-ID`, `en-US`…)
 * that both the console and the catalogue speak; English when none is.
 */
export function pickLanguage(preferred: ReadonlyArray<string | undefined>, catalogueLanguages: readonly string[]): ConsoleLanguage {
  const spoken = CONSOLE_LANGUAGES.filter((language) => catalogueLanguages.includes(language));
  for (const tag of preferred) {
    const primary = tag?.toLowerCase().split('-', 1)[0];
    const match = spoken.find((language) => language === primary);
    if (match) return match;
  }
  return spoken.includes('en') ? 'en' : (spoken[0] ?? 'en');
}
