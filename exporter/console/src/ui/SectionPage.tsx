/** @jsxRuntime automatic @jsxImportSource preact */
import { isContactExport, type CatalogueSection } from '../api/catalogue.ts';
import type { SectionData } from '../data/monitoring-store.ts';
import type { Translate } from '../i18n/i18n.ts';
import { localized } from '../i18n/i18n.ts';
import { formatDay, rangeDays, type RangeChoice } from '../model/time-range.ts';
import { BreakdownCard } from './BreakdownCard.tsx';
import { ContactExports } from './ContactExports.tsx';
import { FigureCard } from './FigureCard.tsx';
import { TimeRangeFilter } from './TimeRangeFilter.tsx';

export interface SectionPageProps {
  section: CatalogueSection;
  /** the last body received (undefined before the first one) */
  data: SectionData | undefined;
  language: string;
  t: Translate;
  currency: string;
  reportTimeZone: string;
  range: RangeChoice;
  onRangeChange: (choice: RangeChoice) => void;
  now: Date;
}

/** A catalogue section as a page: its figures as cards, its breakdowns as charts, its extras. */
export function SectionPage({ section, data, language, t, currency, reportTimeZone, range, onRangeChange, now }: SectionPageProps) {
  const body = data?.body;
  const timeRange = section.timeRange;
  let rangeText: string | undefined;
  if (timeRange) {
    const { first, last } = rangeDays(range, reportTimeZone, now);
    rangeText = t('rangeShown', { from: formatDay(first, language), to: formatDay(last, language), zone: reportTimeZone });
  }
  const description = localized(section.description, language);
  const exports = (section.extras ?? []).filter(isContactExport).flatMap((extra) => extra.exports);
  return (
    <div class="section-page" data-section={section.name} aria-busy={data === undefined}>
      {description && <p class="page-lead">{description}</p>}
      {timeRange && rangeText && <TimeRangeFilter choice={range} onChange={onRangeChange} shown={rangeText} timeZone={reportTimeZone} t={t} />}
      <div class="cards">
        {section.figures.map((figure) => (
          <FigureCard
            key={figure.path}
            figure={figure}
            body={body}
            language={language}
            currency={currency}
            t={t}
            note={timeRange?.figures.includes(figure.path) ? rangeText : undefined}
          />
        ))}
      </div>
      {section.breakdowns.length > 0 && (
        <div class="charts">
          {section.breakdowns.map((breakdown, index) => (
            <BreakdownCard key={`${index}:${breakdown.path}`} breakdown={breakdown} body={body} language={language} t={t} />
          ))}
        </div>
      )}
      {exports.length > 0 && <ContactExports exports={exports} language={language} t={t} />}
    </div>
  );
}
