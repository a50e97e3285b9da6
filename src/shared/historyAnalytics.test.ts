import { describe, expect, it } from 'vitest';
import { computeHistoryAnalytics, type LocalTime, type TurnFacts } from './historyAnalytics';

/** UTC as the "local" time, so the test does not depend on the machine's time zone. */
const utc: LocalTime = (iso) => ({ day: iso.slice(0, 10), hour: Number(iso.slice(11, 13)) });

const S1 = 's1';
const S2 = 's2';
const S3 = 's3';

function turn(id: string, sessionId: string, seq: number, createdAt: string, parentTurnId: string | null = null): TurnFacts {
  return { id, sessionId, seq, createdAt, parentTurnId };
}

describe('computeHistoryAnalytics', () => {
  it('counts sessions per day, turns per session, one-turn sessions, peak hours and regenerations', () => {
    const sessions = [
      { id: S1, createdAt: '2026-03-02T09:00:00.000Z' },
      { id: S2, createdAt: '2026-03-02T14:00:00.000Z' },
      { id: S3, createdAt: '2026-03-01T09:30:00.000Z' },
    ];
    const turns = [
      turn('t1', S1, 1, '2026-03-02T09:00:01.000Z'),
      // The same record stored twice (pending, then complete) counts once.
      turn('t1', S1, 1, '2026-03-02T09:00:01.000Z'),
      turn('t2', S1, 2, '2026-03-02T09:10:00.000Z'),
      turn('t3', S1, 3, '2026-03-02T09:20:00.000Z'),
      turn('t3b', S1, 3, '2026-03-02T09:21:00.000Z', 't3'),
      turn('t4', S2, 1, '2026-03-02T14:00:01.000Z'),
      turn('t5', S3, 1, '2026-03-01T09:30:01.000Z'),
      // Not a stored session of this clinician: ignored.
      turn('t9', 'other', 1, '2026-03-01T23:00:00.000Z'),
    ];
    const figures = computeHistoryAnalytics(sessions, turns, utc);
    expect(figures.sessions).toBe(3);
    expect(figures.turns).toBe(5);
    expect(figures.sessionsPerDay).toEqual([
      { day: '2026-03-01', count: 1 },
      { day: '2026-03-02', count: 2 },
    ]);
    expect(figures.turnsPerSession.mean).toBeCloseTo(5 / 3);
    expect(figures.turnsPerSession.distribution).toEqual([
      { bucket: '1', count: 2 },
      { bucket: '2', count: 0 },
      { bucket: '3', count: 1 },
      { bucket: '4', count: 0 },
      { bucket: '5+', count: 0 },
    ]);
    expect(figures.oneTurnSessions).toBe(2);
    expect(figures.turnsByHour[9]).toBe(4);
    expect(figures.turnsByHour[14]).toBe(1);
    expect(figures.peakHours).toEqual([9]);
    expect(figures.regenerations).toBe(1);
  });

  it('puts long sessions in the last bucket, and has nothing to say about an empty history', () => {
    const long = Array.from({ length: 7 }, (_, index) => turn(`t${index}`, S1, index + 1, '2026-03-02T10:00:00.000Z'));
    expect(computeHistoryAnalytics([{ id: S1, createdAt: '2026-03-02T10:00:00.000Z' }], long, utc).turnsPerSession.distribution.at(-1)).toEqual({
      bucket: '5+',
      count: 1,
    });
    const empty = computeHistoryAnalytics([], [], utc);
    expect(empty).toMatchObject({ sessions: 0, turns: 0, sessionsPerDay: [], oneTurnSessions: 0, peakHours: [], regenerations: 0 });
    expect(empty.turnsPerSession.mean).toBeNull();
  });
});
