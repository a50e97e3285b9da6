import { describe, expect, it } from 'vitest';
import { daySeries, localDay, MIN_CHART_DAYS } from './daySeries';

describe('daySeries', () => {
  it('charts one day of sessions among the last two weeks, the other days as zero', () => {
    const days = daySeries([{ day: '2026-12-02', count: 2 }], '2026-12-02');
    expect(days).toHaveLength(MIN_CHART_DAYS);
    expect(days[0]).toEqual({ day: '2026-11-19', shortLabel: '19 Nov', longLabel: 'Thu, 19 Nov 2026', count: 0 });
    expect(days.at(-1)).toEqual({ day: '2026-12-02', shortLabel: '2 Dec', longLabel: 'Wed, 2 Dec 2026', count: 2 });
    expect(days.filter((day) => day.count > 0)).toHaveLength(1);
  });

  it('shows two empty weeks with no sessions at all', () => {
    const days = daySeries([], '2026-03-01');
    expect(days.map((day) => day.day).slice(0, 2)).toEqual(['2026-02-16', '2026-02-17']);
    expect(days.every((day) => day.count === 0)).toBe(true);
  });

  it('reaches back to the oldest day with sessions, every day in between included', () => {
    const days = daySeries([{ day: '2026-10-30', count: 1 }, { day: '2026-12-01', count: 3 }], '2026-12-02');
    expect(days[0]?.day).toBe('2026-10-30');
    expect(days.at(-1)?.day).toBe('2026-12-02');
    expect(days).toHaveLength(34);
    expect(days.find((day) => day.day === '2026-12-01')?.count).toBe(3);
  });

  it('keeps every calendar day across a daylight-saving change', () => {
    const days = daySeries([], '2026-11-05');
    expect(new Set(days.map((day) => day.day)).size).toBe(MIN_CHART_DAYS);
    expect(days.map((day) => day.day)).toContain('2026-10-25');
  });

  it('takes today from the workstation’s calendar', () => {
    expect(localDay(new Date(2026, 0, 9, 23, 30))).toBe('2026-01-09');
  });
});
