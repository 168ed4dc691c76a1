/** @jsxRuntime automatic @jsxImportSource preact */
import { useState } from 'preact/hooks';
import type { Translate } from '../i18n/i18n.ts';
import { checkCustomRange, type CustomRangeProblem, type RangeChoice } from '../model/time-range.ts';

export interface TimeRangeFilterProps {
  choice: RangeChoice;
  onChange: (choice: RangeChoice) => void;
  /** the days the current choice covers, with the zone (`1 Nov 2026 – 30 Nov 2026 (Asia/Jakarta)`) */
  shown: string;
  timeZone: string;
  t: Translate;
}

const PROBLEM_TEXT = { incomplete: 'rangeIncomplete', reversed: 'rangeReversed' } as const;

/** This month (the default), last month, or custom dates (whole days in the report time zone). */
export function TimeRangeFilter({ choice, onChange, shown, timeZone, t }: TimeRangeFilterProps) {
  const [editing, setEditing] = useState(choice.kind === 'custom');
  const [from, setFrom] = useState(choice.kind === 'custom' ? choice.from : '');
  const [to, setTo] = useState(choice.kind === 'custom' ? choice.to : '');
  const [problem, setProblem] = useState<CustomRangeProblem | undefined>();
  const customActive = editing || choice.kind === 'custom';

  const pick = (kind: 'current' | 'previous') => {
    setEditing(false);
    setProblem(undefined);
    onChange({ kind });
  };
  const apply = (event: Event) => {
    event.preventDefault();
    const found = checkCustomRange(from, to);
    setProblem(found);
    if (!found) onChange({ kind: 'custom', from, to });
  };

  return (
    <form class="range-filter" onSubmit={apply} noValidate>
      <fieldset>
        <legend>{t('period')}</legend>
        <div class="segmented">
          <button type="button" aria-pressed={!customActive && choice.kind === 'current'} onClick={() => pick('current')}>
            {t('thisMonth')}
          </button>
          <button type="button" aria-pressed={!customActive && choice.kind === 'previous'} onClick={() => pick('previous')}>
            {t('lastMonth')}
          </button>
          <button type="button" aria-pressed={customActive} onClick={() => setEditing(true)}>
            {t('customRange')}
          </button>
        </div>
        {customActive && (
          <div class="range-dates">
            <label>
              {t('rangeFrom')}
              <input
                type="date"
                name="from"
                value={from}
                required
                onInput={(event) => setFrom(event.currentTarget.value)}
                aria-describedby="range-zone"
              />
            </label>
            <label>
              {t('rangeTo')}
              <input type="date" name="to" value={to} required onInput={(event) => setTo(event.currentTarget.value)} aria-describedby="range-zone" />
            </label>
            <button type="submit" class="primary">
              {t('applyRange')}
            </button>
            <p class="muted range-zone" id="range-zone">
              {t('rangeInZone', { zone: timeZone })}
            </p>
          </div>
        )}
      </fieldset>
      {problem && (
        <p class="form-error" role="alert">
          {t(PROBLEM_TEXT[problem])}
        </p>
      )}
      <p class="range-shown">{shown}</p>
    </form>
  );
}
