/** @jsxRuntime automatic @jsxImportSource preact */
import type { CatalogueFigure } from '../api/catalogue.ts';
import type { Translate } from '../i18n/i18n.ts';
import { localized } from '../i18n/i18n.ts';
import { formatValue } from '../model/format.ts';
import { numberAt } from '../model/values.ts';

export interface FigureCardProps {
  figure: CatalogueFigure;
  body: unknown;
  language: string;
  currency: string;
  t: Translate;
  /** the period the figure covers, for figures a range filter applies to */
  note?: string;
}

/** Long texts (amounts with a currency) get a smaller size class so they fit narrow cards. */
function FigureValue({ value, text }: { value: number; text: string }) {
  return (
    <p class={text.length > 11 ? 'figure-value long' : 'figure-value'} data-value={value}>
      {text}
    </p>
  );
}

export function FigureCard({ figure, body, language, currency, t, note }: FigureCardProps) {
  const value = numberAt(body, figure.path);
  const description = localized(figure.description, language);
  return (
    <article class="card figure" data-figure-path={figure.path}>
      <h2 class="card-title">{localized(figure.label, language)}</h2>
      {value === undefined ? (
        <p class="figure-value missing">
          <span aria-hidden="true">—</span>
          <span class="visually-hidden">{t('noValue')}</span>
        </p>
      ) : (
        <FigureValue value={value} text={formatValue(value, figure.unit, language, currency)} />
      )}
      {note && <p class="figure-note">{note}</p>}
      {description && <p class="figure-description">{description}</p>}
    </article>
  );
}
