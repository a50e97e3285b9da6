/**
 * History figures — sessions per day, turns per session, one-turn sessions, peak hours, regenerations — from the
 * headers of records main opened: times, counts and `parentTurnId`, never a payload. Main computes them from headers
 * it authenticated (format v2 binds every header field), never from the page's plaintext copies, which anyone with
 * access to the page's store could edit.
 */
import type { SealedRecord } from './vault';

/** What one stored session contributes. */
export type SessionFacts = Pick<SealedRecord, 'id' | 'createdAt'>;
/** What one stored turn record contributes. */
export type TurnFacts = Pick<SealedRecord, 'id' | 'sessionId' | 'seq' | 'createdAt' | 'parentTurnId'>;

/** Buckets of the turns-per-session distribution; the last one holds every longer session. */
export const TURN_BUCKETS = ['1', '2', '3', '4', '5+'] as const;

/** Figures from the clinician's authenticated history. */
export interface HistoryAnalytics {
  sessions: number;
  /** Turns (a regenerated answer is not a new turn). */
  turns: number;
  /** Sessions started per local calendar day (`YYYY-MM-DD`), oldest first, days without sessions left out. */
  sessionsPerDay: { day: string; count: number }[];
  /** Turns per session: the mean (null with no session) and how many sessions had 1, 2, 3, 4, 5+ turns. */
  turnsPerSession: { mean: number | null; distribution: { bucket: (typeof TURN_BUCKETS)[number]; count: number }[] };
  /** Sessions that ended after their first turn (no follow-up asked). */
  oneTurnSessions: number;
  /** Messages sent per local hour of day, 0–23. */
  turnsByHour: number[];
  /** The busiest hours (ties all listed), empty with no turn. */
  peakHours: number[];
  /** Answers regenerated (turn records with `parentTurnId` set). */
  regenerations: number;
}

/** Local calendar day and hour of an ISO time. Injected so tests do not depend on the machine's time zone. */
export type LocalTime = (iso: string) => { day: string; hour: number };

/** The workstation's own time zone. */
export const localTime: LocalTime = (iso) => {
  const date = new Date(iso);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return { day: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`, hour: date.getHours() };
};

/**
 * Computes the page's figures from the clinician's stored session and turn rows. A turn record written several times
 * (pending, then its outcome) counts once; a regenerated answer counts as a regeneration, not as a turn.
 */
export function computeHistoryAnalytics(sessions: readonly SessionFacts[], turns: readonly TurnFacts[], toLocal: LocalTime = localTime): HistoryAnalytics {
  const perDay = new Map<string, number>();
  for (const session of sessions) {
    const { day } = toLocal(session.createdAt);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const known = new Set(sessions.map((session) => session.id));
  const seqsBySession = new Map<string, Set<number>>(sessions.map((session) => [session.id, new Set<number>()]));
  const turnByHour = new Array<number>(24).fill(0);
  const seen = new Set<string>();
  let regenerations = 0;
  for (const turn of turns) {
    if (!known.has(turn.sessionId) || seen.has(turn.id)) continue;
    seen.add(turn.id);
    if (turn.parentTurnId !== null) {
      regenerations++;
      continue;
    }
    seqsBySession.get(turn.sessionId)?.add(turn.seq);
    const { hour } = toLocal(turn.createdAt);
    turnByHour[hour] = (turnByHour[hour] ?? 0) + 1;
  }
  const counts = [...seqsBySession.values()].map((seqs) => seqs.size);
  const totalTurns = counts.reduce((sum, count) => sum + count, 0);
  const distribution = TURN_BUCKETS.map((bucket, index) => ({
    bucket,
    count: counts.filter((count) => (index === TURN_BUCKETS.length - 1 ? count >= index + 1 : count === index + 1)).length,
  }));
  const busiest = Math.max(...turnByHour);
  return {
    sessions: sessions.length,
    turns: totalTurns,
    sessionsPerDay: [...perDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, count })),
    turnsPerSession: { mean: sessions.length === 0 ? null : totalTurns / sessions.length, distribution },
    oneTurnSessions: counts.filter((count) => count === 1).length,
    turnsByHour: turnByHour,
    peakHours: busiest === 0 ? [] : turnByHour.flatMap((count, hour) => (count === busiest ? [hour] : [])),
    regenerations,
  };
}
