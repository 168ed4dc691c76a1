import type { Label } from '../sections/presentation.js';

/**
 * Fixed words that more than one view shows beside the sections' own: the snapshot's age and time
 * and the stale warning. The catalogue publishes them as `texts`, so the dashboards, the plugin and
 * the console say the same thing in the same words.
 */
export const CATALOGUE_TEXTS = {
  lastUpdated: { id: 'Terakhir diperbarui', en: 'Last updated' },
  generatedAt: { id: 'Dihitung pada', en: 'Generated at' },
  stale: {
    id: 'Angka lama: basis data pemantauan tidak tersedia, yang tampil adalah snapshot terakhir.',
    en: 'Stale figures: the monitoring database is unavailable, showing the last snapshot.',
  },
} as const satisfies Record<string, Label>;
