import type { GridPos } from './grafana.js';

/** Grafana's dashboard grid is 24 columns wide. */
export const GRID_COLUMNS = 24;

export interface PanelSize {
  w: number;
  h: number;
}

/**
 * Places `count` panels of one size left to right, wrapping at the grid edge, starting on a
 * fresh row at `top`. Returns their positions and the first free row below them. Positions
 * depend on nothing but the arguments, so the generated JSON is stable.
 */
export function layoutBand(count: number, size: PanelSize, top: number): { positions: GridPos[]; bottom: number } {
  const perRow = Math.max(1, Math.floor(GRID_COLUMNS / size.w));
  const positions = Array.from({ length: count }, (_, index) => ({
    x: (index % perRow) * size.w,
    y: top + Math.floor(index / perRow) * size.h,
    w: size.w,
    h: size.h,
  }));
  const rows = Math.ceil(count / perRow);
  return { positions, bottom: top + rows * size.h };
}
