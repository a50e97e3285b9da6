import type { HistoryListRange } from '../../stores/uiSlice';

/** True when an ISO time lies in the range (`since` inclusive, `until` exclusive); canonical ISO strings compare as text. */
export function inRange(time: string, range: HistoryListRange): boolean {
  return (range.since === undefined || time >= range.since) && (range.until === undefined || time < range.until);
}
