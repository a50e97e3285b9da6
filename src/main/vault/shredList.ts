import type { ShredEntry } from './sessionKeyFileFormat';

/**
 * Days a destroyed session stays on the shred list. The list exists so that the page, when it next opens the
 * session's rows, is told "shredded" and deletes them — rather than "no key here", which keeps rows. A workstation
 * may go unused for months (a long leave, a spare machine), so the entry must outlive any realistic pause before its
 * page runs again: 400 days is more than a year of that. The list must not grow forever either (one entry per
 * session ever destroyed), so entries older than this are pruned at the next full rewrite.
 */
export const SHRED_LIST_KEEP_DAYS = 400;

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC calendar day of `at` as `YYYY-MM-DD`: when a key was destroyed, without the time of day. */
export function utcDay(at: Date): string {
  const day = Number.isFinite(at.getTime()) ? at.toISOString().slice(0, 10) : '';
  // Years outside 0000–9999 have no YYYY-MM-DD form, and one bad entry would make the whole file unloadable.
  if (!ISO_DAY.test(day)) throw new TypeError('the time of a destruction must be a valid date between the years 0 and 9999');
  return day;
}

/** Whole days from the start of UTC `day` to `now` (negative when the day is still ahead). */
function ageInDays(day: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(`${day}T00:00:00.000Z`)) / DAY_MS);
}

/**
 * The sessions whose keys were destroyed on purpose, kept so that "destroyed" can be told apart from "never had a
 * key here" and a destroyed session is never given a new key. Immutable: the store builds the next list for a
 * rewrite and adopts it only once that rewrite is on disk, so a failed write changes nothing.
 */
export class ShredList {
  static readonly empty = new ShredList(new Map());

  private constructor(private readonly byId: ReadonlyMap<string, ShredEntry>) {}

  /** The list holding `entries`; a session listed twice keeps its later day (it is pruned last). */
  static of(entries: Iterable<ShredEntry>): ShredList {
    return ShredList.empty.with(entries);
  }

  /** True when `sessionId`'s key was destroyed on purpose (and the entry is not yet pruned). */
  has(sessionId: string): boolean {
    return this.byId.has(sessionId);
  }

  /** Sessions listed. */
  get size(): number {
    return this.byId.size;
  }

  /** This list plus `additions`. */
  with(additions: Iterable<ShredEntry>): ShredList {
    const byId = new Map(this.byId);
    for (const entry of additions) {
      const known = byId.get(entry.sessionId);
      if (!known || known.day < entry.day) byId.set(entry.sessionId, entry);
    }
    return new ShredList(byId);
  }

  /** This list without the entries older than {@link SHRED_LIST_KEEP_DAYS} at `now`. */
  prunedAt(now: Date): ShredList {
    const kept = [...this.byId.values()].filter((entry) => ageInDays(entry.day, now) <= SHRED_LIST_KEEP_DAYS);
    return kept.length === this.byId.size ? this : new ShredList(new Map(kept.map((entry) => [entry.sessionId, entry])));
  }

  /** The entries, as the key store file holds them. */
  entries(): ShredEntry[] {
    return [...this.byId.values()];
  }
}
