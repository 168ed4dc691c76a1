/** @jsxRuntime automatic @jsxImportSource preact */
import type { LiveStatus } from '../data/refresh-controller.ts';
import { REFRESH_CHOICES, type RefreshChoice } from '../data/refresh-scheduler.ts';
import type { Translate } from '../i18n/i18n.ts';
import { formatAgo, localeOf } from '../model/format.ts';
import { useNow } from './hooks.ts';
import { Icon } from './Icon.tsx';

export interface FreshnessBarProps {
  generatedAt: string | undefined;
  stale: boolean;
  loading: boolean;
  choice: RefreshChoice;
  onChoice: (choice: RefreshChoice) => void;
  onRefresh: () => void;
  liveStatus: LiveStatus;
  language: string;
  t: Translate;
}

function choiceLabel(choice: RefreshChoice, language: string, t: Translate): string {
  if (choice === 'off') return t('refreshOff');
  if (choice === 'live') return t('refreshLive');
  const minutes = choice >= 60_000;
  return new Intl.NumberFormat(localeOf(language), { style: 'unit', unit: minutes ? 'minute' : 'second', unitDisplay: 'long' }).format(
    minutes ? choice / 60_000 : choice / 1000,
  );
}

/** "Last updated: 5 seconds ago", ticking every second; re-renders nothing else. */
function LastUpdated({ generatedAt, language, t }: { generatedAt: string | undefined; language: string; t: Translate }) {
  const now = useNow(1000);
  const time = generatedAt ? Date.parse(generatedAt) : Number.NaN;
  return (
    <span class="last-updated" data-generated-at={generatedAt}>
      <Icon name="clock-nine" />
      {Number.isNaN(time) ? t('notYetUpdated') : t('lastUpdated', { ago: formatAgo(time, now, language) })}
    </span>
  );
}

/** The freshness controls: last update, stale badge, auto-refresh picker, manual refresh. */
export function FreshnessBar({ generatedAt, stale, loading, choice, onChoice, onRefresh, liveStatus, language, t }: FreshnessBarProps) {
  return (
    <div class="freshness">
      <LastUpdated generatedAt={generatedAt} language={language} t={t} />
      {stale && (
        <span class="badge badge-stale" title={t('staleExplained')}>
          <Icon name="exclamation-triangle" />
          {t('staleBadge')}
        </span>
      )}
      {choice === 'live' && liveStatus.kind === 'open' && <span class="badge badge-live">{t('liveOn')}</span>}
      <span class="refresh-picker">
        <label for="refresh-choice">{t('autoRefresh')}</label>
        <select
          id="refresh-choice"
          value={String(choice)}
          onChange={(event) => {
            const value = event.currentTarget.value;
            onChoice(value === 'off' || value === 'live' ? value : Number(value));
          }}
        >
          {REFRESH_CHOICES.map((option) => (
            <option key={String(option)} value={String(option)}>
              {choiceLabel(option, language, t)}
            </option>
          ))}
        </select>
      </span>
      <button type="button" class="refresh-button" onClick={onRefresh} aria-busy={loading}>
        <Icon name="sync" class={loading ? 'spinning' : undefined} />
        {t('refresh')}
      </button>
    </div>
  );
}
