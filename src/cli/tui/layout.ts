/** Where each panel goes for a terminal size: pure, so the 80x24 case is tested without a terminal. */
export interface Layout {
  width: number;
  /** Rows drawn: one less than the terminal, so Ink updates lines in place instead of clearing the screen. */
  height: number;
  topHeight: number;
  bottomHeight: number;
  leftWidth: number;
  rightWidth: number;
  logWidth: number;
  timelineWidth: number;
}

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;
const HEADER_ROWS = 1;
const STATUS_ROWS = 2;
const MIN_BOTTOM_ROWS = 7;

/** `topRows`: inner lines the topology and charts would like (the larger of the two). */
export function computeLayout(columns: number, rows: number, topRows: number): Layout {
  const width = Math.max(MIN_COLUMNS, columns || MIN_COLUMNS);
  const height = Math.max(MIN_ROWS, rows || MIN_ROWS) - 1;
  const main = height - HEADER_ROWS - STATUS_ROWS;
  const topHeight = Math.max(6, Math.min(topRows + 2, main - MIN_BOTTOM_ROWS));
  const leftWidth = Math.min(60, Math.max(40, Math.floor(width * 0.4)));
  const logWidth = Math.floor(width * (width < 100 ? 0.5 : 0.58));
  return {
    width, height, topHeight, bottomHeight: main - topHeight,
    leftWidth, rightWidth: width - leftWidth, logWidth, timelineWidth: width - logWidth,
  };
}
