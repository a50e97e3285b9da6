/**
 * The sessions-per-day chart's days: every calendar day of a window that ends today, days without sessions as zero.
 * Main lists only the days with sessions; charted as they come, one busy day filled the whole chart as a single bar
 * with no sense of time around it. A fixed window keeps bar widths and the day axis the same from one week to the next.
 */

/** Days charted at least: two weeks, enough to show a weekly rhythm. */
export const MIN_CHART_DAYS = 14;

const DAY_MS = 86_400_000;

/** One charted day. */
export interface ChartDay {
  /** `YYYY-MM-DD`, local calendar day. */
  readonly day: string;
  /** Under the bar: "2 Dec". */
  readonly shortLabel: string;
  /** In the table and the bar's tooltip: "Wed, 2 Dec 2026". */
  readonly longLabel: string;
  readonly count: number;
}

// Days are calendar dates, not instants: computed in UTC so no daylight-saving change adds or drops a day.
const SHORT = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });
const LONG = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

function dayText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The workstation's calendar day at `now` as `YYYY-MM-DD`. */
export function localDay(now: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * Every day from the earlier of (today − {@link MIN_CHART_DAYS} + 1) and the oldest day with sessions, to the later of
 * today and the newest day with sessions (a clock set back), each with its count or zero.
 */
export function daySeries(perDay: readonly { day: string; count: number }[], today: string): ChartDay[] {
  const counts = new Map(perDay.map(({ day, count }) => [day, count]));
  const todayMs = dayMs(today);
  const known = perDay.map(({ day }) => dayMs(day)).filter((ms) => Number.isFinite(ms));
  const first = Math.min(todayMs - (MIN_CHART_DAYS - 1) * DAY_MS, ...known);
  const last = Math.max(todayMs, ...known);
  const days: ChartDay[] = [];
  for (let ms = first; ms <= last; ms += DAY_MS) {
    const day = dayText(ms);
    days.push({ day, shortLabel: SHORT.format(ms), longLabel: LONG.format(ms), count: counts.get(day) ?? 0 });
  }
  return days;
}
