import { describe, expect, it, vi } from 'vitest';
import { formatLocalDateTime, formatLocalDateTimeWithOffset, localDayText, UNKNOWN_TIME, utcOffsetText } from './localTime';

describe('local times for people', () => {
  it('shows a time in the given zone, day-month-year with a 24-hour clock', () => {
    expect(formatLocalDateTime('2026-12-02T18:59:00.000Z', { timeZone: 'Europe/Paris' })).toBe('2 Dec 2026, 19:59');
    expect(formatLocalDateTime('2026-12-02T18:59:00.000Z', { timeZone: 'America/New_York' })).toBe('2 Dec 2026, 13:59');
  });

  it('names the offset from UTC, daylight saving included, and a zero offset as +00:00', () => {
    expect(formatLocalDateTimeWithOffset('2026-12-02T18:59:00.000Z', { timeZone: 'Europe/Paris' })).toBe('2 Dec 2026, 19:59 (UTC+01:00)');
    expect(formatLocalDateTimeWithOffset('2026-07-02T18:59:00.000Z', { timeZone: 'Europe/Paris' })).toBe('2 Jul 2026, 20:59 (UTC+02:00)');
    expect(utcOffsetText('2026-12-02T18:59:00.000Z', { timeZone: 'America/St_Johns' })).toBe('UTC-03:30');
    expect(formatLocalDateTimeWithOffset('2026-12-02T00:05:00.000Z', { timeZone: 'UTC' })).toBe('2 Dec 2026, 00:05 (UTC+00:00)');
  });

  it('follows the workstation’s zone when none is given', () => {
    vi.stubEnv('TZ', 'Asia/Kolkata');
    try {
      expect(formatLocalDateTimeWithOffset('2026-12-02T18:59:00.000Z')).toBe('3 Dec 2026, 00:29 (UTC+05:30)');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('gives the local calendar day for file names', () => {
    expect(localDayText('2026-12-02T23:30:00.000Z', { timeZone: 'Europe/Paris' })).toBe('2026-12-03');
    expect(localDayText('2026-12-02T23:30:00.000Z', { timeZone: 'America/New_York' })).toBe('2026-12-02');
    expect(localDayText('not a time')).toBeNull();
  });

  it('says so when the time cannot be read', () => {
    expect(formatLocalDateTime('not a time')).toBe(UNKNOWN_TIME);
    expect(formatLocalDateTimeWithOffset('not a time')).toBe(UNKNOWN_TIME);
  });
});
