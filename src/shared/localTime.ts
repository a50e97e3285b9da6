/**
 * Times for people, one format wherever the clinician reads one: the screen (sessions list, session header) and the
 * Markdown/PDF export that main builds. Day-month-year with a 24-hour clock ("2 Dec 2026, 19:59") whatever locale
 * the runtime reports — the renderer and main do not always report the same one, and a clinical record's time must
 * not read "12/2" on one and "2/12" on the other. The time zone is the workstation's; a document that leaves the
 * screen also names its offset from UTC ("2 Dec 2026, 19:59 (UTC+01:00)"), since it may be read elsewhere.
 */

/** The English date style every time is shown in (the app's text is English). */
const LOCALE = 'en-GB';

/** Which time zone to show a time in; the runtime's own (the workstation's) when absent. Tests pass one. */
export interface TimeZoneChoice {
  /** An IANA zone, e.g. `Europe/Paris`. */
  readonly timeZone?: string;
}

/** What a time that cannot be read is shown as. */
export const UNKNOWN_TIME = 'unknown time';

function parse(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

// Built per call rather than cached: a formatter keeps the zone current when it was made, and the workstation's zone
// can change while the app runs (travel, daylight saving rules aside, a clinician fixing the clock).
function dateTimeFormat(choice: TimeZoneChoice, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(LOCALE, choice.timeZone === undefined ? options : { ...options, timeZone: choice.timeZone });
}

/** `iso` in local time: "2 Dec 2026, 19:59"; {@link UNKNOWN_TIME} when it is not a time. */
export function formatLocalDateTime(iso: string, choice: TimeZoneChoice = {}): string {
  const ms = parse(iso);
  return ms === null ? UNKNOWN_TIME : dateTimeFormat(choice, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(ms);
}

/** The local offset from UTC at `iso`, as "UTC+01:00" (daylight saving included); null when it is not a time. */
export function utcOffsetText(iso: string, choice: TimeZoneChoice = {}): string | null {
  const ms = parse(iso);
  if (ms === null) return null;
  const zoneName = dateTimeFormat(choice, { timeZoneName: 'longOffset' })
    .formatToParts(ms)
    .find((part) => part.type === 'timeZoneName')?.value;
  // ICU writes "GMT+01:00", and plain "GMT" for a zero offset.
  const offset = zoneName?.match(/^GMT([+-]\d{2}:\d{2})?$/);
  if (!offset) return null;
  return `UTC${offset[1] ?? '+00:00'}`;
}

/** `iso` in local time with its offset, for documents that leave the screen: "2 Dec 2026, 19:59 (UTC+01:00)". */
export function formatLocalDateTimeWithOffset(iso: string, choice: TimeZoneChoice = {}): string {
  const offset = utcOffsetText(iso, choice);
  return offset === null ? formatLocalDateTime(iso, choice) : `${formatLocalDateTime(iso, choice)} (${offset})`;
}

/** The local calendar day of `iso` as `YYYY-MM-DD` (file names, which sort by it); null when it is not a time. */
export function localDayText(iso: string, choice: TimeZoneChoice = {}): string | null {
  const ms = parse(iso);
  if (ms === null) return null;
  // en-CA writes dates as YYYY-MM-DD.
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
  return new Intl.DateTimeFormat('en-CA', choice.timeZone === undefined ? options : { ...options, timeZone: choice.timeZone }).format(ms);
}
