import { describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../core/logger';
import { createRecentProblems } from './recentProblems';

const AT = new Date('2026-01-02T03:04:05.000Z');

describe('recent problems', () => {
  it('remembers warnings and errors by event name and kind only, and passes every call on unchanged', () => {
    const seen: unknown[] = [];
    const inner: Logger = { info: (...args) => seen.push(args), warn: (...args) => seen.push(args), error: (...args) => seen.push(args) };
    const recent = createRecentProblems(() => AT);
    const logger = recent.wrap(inner);
    logger.info('app.started', { count: 1 });
    logger.warn('llm.retry', { attempt: 2 });
    logger.error('vault.touch-failed', { kind: 'TypeError', message: 'Chest pain since Tuesday', sessionId: 'x' });
    expect(seen).toHaveLength(3);
    expect(recent.list()).toEqual([
      { time: AT.toISOString(), level: 'warn', event: 'llm.retry', kind: null },
      { time: AT.toISOString(), level: 'error', event: 'vault.touch-failed', kind: 'TypeError' },
    ]);
  });

  it('drops a kind or event name that is not an identifier (text passed by mistake)', () => {
    const recent = createRecentProblems(() => AT);
    recent.wrap(silentLogger).error('patient has chest pain', { kind: 'Error: 54 year old with chest pain' });
    expect(recent.list()).toEqual([{ time: AT.toISOString(), level: 'error', event: '(unnamed event)', kind: null }]);
  });

  it('keeps only the newest problems', () => {
    const recent = createRecentProblems(() => AT, 3);
    const logger = recent.wrap(silentLogger);
    for (const n of [1, 2, 3, 4, 5]) logger.warn(`event.n${n}`);
    expect(recent.list().map((problem) => problem.event)).toEqual(['event.n3', 'event.n4', 'event.n5']);
  });
});
