/** @jsxRuntime automatic @jsxImportSource preact */
import { arc, pie, type PieArcDatum } from 'd3-shape';
import type { CatalogueBreakdown } from '../api/catalogue.ts';
import type { Translate } from '../i18n/i18n.ts';
import { localized } from '../i18n/i18n.ts';
import { formatPercent, formatValue } from '../model/format.ts';
import { breakdownEntries, type BreakdownEntry } from '../model/values.ts';

/** Colours cycle through this many CSS classes (c0 … c7), the same in the chart and its table. */
const PALETTE_SIZE = 8;
const colour = (index: number) => `c${index % PALETTE_SIZE}`;

const PIE_SIZE = 200;

function PieChart({ entries, donut }: { entries: BreakdownEntry[]; donut: boolean }) {
  const radius = PIE_SIZE / 2;
  const slices = pie<BreakdownEntry>()
    .value((entry) => entry.value)
    .sort(null)(entries);
  const draw = arc<PieArcDatum<BreakdownEntry>>()
    .innerRadius(donut ? radius * 0.58 : 0)
    .outerRadius(radius - 2)
    .padAngle(entries.length > 1 ? 0.01 : 0);
  return (
    <svg class="chart-svg pie" viewBox={`${-radius} ${-radius} ${PIE_SIZE} ${PIE_SIZE}`} aria-hidden="true" focusable="false">
      {slices.map((slice, index) => (slice.value > 0 ? <path key={slice.data.key} class={`slice ${colour(index)}`} d={draw(slice) ?? ''} /> : null))}
    </svg>
  );
}

const BAR_ROW = 30;
const BAR_WIDTH = 400;
const LABEL_WIDTH = 130;
const VALUE_WIDTH = 64;

function BarChart({ entries, format }: { entries: BreakdownEntry[]; format: (value: number) => string }) {
  const max = Math.max(...entries.map((entry) => entry.value), 1);
  const room = BAR_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  return (
    <svg class="chart-svg bar" viewBox={`0 0 ${BAR_WIDTH} ${entries.length * BAR_ROW}`} aria-hidden="true" focusable="false">
      {entries.map((entry, index) => {
        const y = index * BAR_ROW;
        const width = Math.max(entry.value > 0 ? 2 : 0, (entry.value / max) * room);
        return (
          <g key={entry.key}>
            <title>{entry.label}</title>
            <text class="bar-label" x={LABEL_WIDTH - 8} y={y + BAR_ROW / 2} text-anchor="end" dominant-baseline="central">
              {entry.label.length > 14 ? `${entry.label.slice(0, 13)}…` : entry.label}
            </text>
            <rect class={`bar-fill ${colour(index)}`} x={LABEL_WIDTH} y={y + 6} width={width} height={BAR_ROW - 12} rx="3" />
            <text class="bar-value" x={LABEL_WIDTH + width + 6} y={y + BAR_ROW / 2} dominant-baseline="central">
              {format(entry.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export interface BreakdownCardProps {
  breakdown: CatalogueBreakdown;
  body: unknown;
  language: string;
  t: Translate;
}

/**
 * One breakdown as the chart the catalogue names (pie, donut, bar; anything else as bars) with
 * a table of the same numbers: the chart is decoration for sighted readers, the table is the
 * text alternative (and the legend, for pies).
 */
export function BreakdownCard({ breakdown, body, language, t }: BreakdownCardProps) {
  const entries = breakdownEntries(body, breakdown, language);
  const total = entries.reduce((sum, entry) => sum + entry.value, 0);
  const format = (value: number) => formatValue(value, 'count', language, '');
  const title = localized(breakdown.label, language);
  const isPie = breakdown.chart === 'pie' || breakdown.chart === 'donut';
  return (
    <figure class={`card chart chart-${isPie ? 'pie' : 'bar'}`} data-breakdown-path={breakdown.path} data-chart={breakdown.chart}>
      <figcaption>
        <h2 class="card-title">{title}</h2>
      </figcaption>
      {total === 0 ? (
        <p class="chart-empty">{t('chartEmpty')}</p>
      ) : isPie ? (
        <PieChart entries={entries} donut={breakdown.chart === 'donut'} />
      ) : (
        <BarChart entries={entries} format={format} />
      )}
      <table class={isPie ? 'chart-table' : 'chart-table visually-hidden'}>
        <caption class="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{localized(breakdown.dimension, language) || t('chartCategory')}</th>
            <th scope="col" class="num">
              {t('chartCount')}
            </th>
            <th scope="col" class="num">
              {t('chartShare')}
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry, index) => (
            <tr key={entry.key} data-key={entry.key}>
              <th scope="row">
                <span class={`swatch ${colour(index)}`} aria-hidden="true" />
                {entry.label}
              </th>
              <td class="num" data-value={entry.value}>
                {format(entry.value)}
              </td>
              <td class="num">{total > 0 ? formatPercent(entry.value / total, language) : '–'}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('chartTotal')}</th>
            <td class="num">{format(total)}</td>
            <td class="num">{total > 0 ? formatPercent(1, language) : '–'}</td>
          </tr>
        </tfoot>
      </table>
    </figure>
  );
}
