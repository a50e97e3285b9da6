/**
 * The arithmetic of a simple virtual list: rows of one fixed height in a scroll container, of which only those in
 * view (plus a few either side) are rendered — so ten thousand sessions cost what twenty do.
 */

/** Height of one session row, in CSS pixels (styles.css gives `.session-row` the same). */
export const SESSION_ROW_HEIGHT = 64;
/** Rows rendered beyond each edge of the view, so scrolling and Tab never meet an empty gap. */
export const OVERSCAN_ROWS = 6;

/** Rows `start` (inclusive) to `end` (exclusive). */
export interface RowRange {
  start: number;
  end: number;
}

/** What the list needs to know to compute its window. */
export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  overscan: number;
}

/** The rows to render for a scroll position. */
export function visibleRange({ scrollTop, viewportHeight, rowHeight, count, overscan }: WindowInput): RowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const height = Math.max(0, viewportHeight);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + height) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, Math.max(start, last + overscan));
  return { start, end };
}

/** The scroll position that brings row `index` fully into view, moving as little as possible. */
export function scrollTopToReveal(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowBottom > scrollTop + viewportHeight) return Math.max(0, rowBottom - viewportHeight);
  return scrollTop;
}

/** True when the rendered window reaches within `overscan` rows of the end (time to read the next page). */
export function nearEnd(range: RowRange, count: number, overscan: number): boolean {
  return count === 0 || range.end >= count - overscan;
}
