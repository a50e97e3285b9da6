import { describe, expect, it } from 'vitest';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import { AppError } from '../../shared/errors';
import type { Patient } from '../../shared/patient';
import { silentLogger } from '../core/logger';
import { MAX_TIMER_DELAY_MS } from '../core/clock';
import { SessionStore, type SessionLimits } from './sessionStore';

const MINUTE = 60_000;
const patient: Patient = { age: 45, sex: 'male', chiefComplaint: 'Chest pain' };
const limits: SessionLimits = { idleTimeoutMs: 30 * MINUTE, absoluteTimeoutMs: 4 * 60 * MINUTE, maxLiveSessions: 500 };

function setup(overrides: Partial<SessionLimits> = {}) {
  const clock = new TestClock();
  const store = new SessionStore(clock, sequentialIds(), { ...limits, ...overrides }, silentLogger);
  return { clock, store };
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('session ids (check 11)', () => {
  it('mints ids with crypto.randomUUID by default in the app — here injected — and never creates one for an unknown id', () => {
    const { store } = setup();
    const session = store.create('local', patient);
    expect(session.id).toBe('00000000-0000-4000-8000-000000000001');
    expect(codeOf(() => store.get('3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f', 'local'))).toMatch(/^SESSION_NOT_FOUND/);
    expect(store.size).toBe(1);
  });

  it('refuses another owner’s session, live or expired', () => {
    const { store, clock } = setup();
    const session = store.create('local', patient);
    expect(codeOf(() => store.get(session.id, 'dr-b'))).toMatch(/^FORBIDDEN/);
    clock.advance(31 * MINUTE);
    expect(codeOf(() => store.get(session.id, 'dr-b'))).toMatch(/^FORBIDDEN/);
    expect(codeOf(() => store.info(session.id, 'dr-b'))).toMatch(/^FORBIDDEN/);
  });
});

describe('session timeouts (check 12)', () => {
  it('expires exactly at the idle boundary: alive 1 ms before, expired at and after', () => {
    const { store, clock } = setup();
    const session = store.create('local', patient);
    clock.advance(30 * MINUTE - 1);
    expect(store.get(session.id, 'local')).toBe(session);
    clock.advance(1);
    expect(codeOf(() => store.get(session.id, 'local'))).toBe(
      'SESSION_NOT_FOUND: This session expired after a period without activity. Continue it from history or start a new one.',
    );
  });

  it('lets the cleanup timer free idle sessions without anyone asking', () => {
    const { store, clock } = setup();
    store.create('local', patient);
    clock.advance(30 * MINUTE + 1);
    expect(store.size).toBe(0);
  });

  it('measures idleness from the clinician’s last request', () => {
    const { store, clock } = setup();
    const session = store.create('local', patient);
    clock.advance(20 * MINUTE);
    store.touch(session);
    clock.advance(29 * MINUTE);
    expect(store.size).toBe(1);
    clock.advance(1 * MINUTE + 1);
    expect(store.size).toBe(0);
  });

  it('expires at the absolute limit even when active, exactly at its boundary', () => {
    const { store, clock } = setup();
    const session = store.create('local', patient);
    for (let elapsed = 0; elapsed < 4 * 60 * MINUTE - 20 * MINUTE; elapsed += 20 * MINUTE) {
      clock.advance(20 * MINUTE);
      store.touch(session);
    }
    const createdPlusAbsolute = 4 * 60 * MINUTE;
    clock.advance(createdPlusAbsolute - clock.monotonicMs() - 1);
    expect(store.get(session.id, 'local')).toBe(session);
    clock.advance(2);
    expect(codeOf(() => store.get(session.id, 'local'))).toContain('maximum session length');
  });

  it('never expires a session while a turn runs or waits; it expires once the turn settles and is due', async () => {
    const { store, clock } = setup();
    const session = store.create('local', patient);
    const release = await session.queue.acquire(1_000);
    clock.advance(5 * 60 * MINUTE);
    expect(store.get(session.id, 'local')).toBe(session);
    expect(store.info(session.id, 'local').state).toBe('running');
    release();
    store.turnSettled();
    clock.advance(0);
    expect(store.size).toBe(0);
    expect(store.info(session.id, 'local')).toMatchObject({ state: 'expired', conversationCount: 0 });
  });

  it('tells expired from unknown in sessions.get, with the times', () => {
    const { store, clock } = setup();
    const session = store.create('local', patient);
    expect(store.info(session.id, 'local')).toEqual({
      sessionId: session.id,
      createdAt: '2026-11-25T09:00:00.000Z',
      lastAccessAt: '2026-11-25T09:00:00.000Z',
      expiresAt: '2026-11-25T09:30:00.000Z',
      conversationCount: 0,
      state: 'idle',
    });
    clock.advance(31 * MINUTE);
    expect(store.info(session.id, 'local')).toMatchObject({ state: 'expired', expiresAt: '2026-11-25T09:30:00.000Z' });
    expect(codeOf(() => store.info('3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f', 'local'))).toMatch(/^SESSION_NOT_FOUND: No session with this id/);
  });

  it('uses one timer aimed at the next expiry, clamped to 2^31−1 ms', () => {
    const { store, clock } = setup({ idleTimeoutMs: 40 * 86_400_000, absoluteTimeoutMs: 41 * 86_400_000 });
    store.create('local', patient);
    store.create('local', patient);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.requestedDelays.at(-1)).toBe(MAX_TIMER_DELAY_MS);
  });

  it('stops its timer on dispose', () => {
    const { store, clock } = setup();
    store.create('local', patient);
    store.dispose();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('cap and eviction (check 13)', () => {
  it('at cap+1 evicts the least recently used idle session, never one mid-turn', async () => {
    const { store, clock } = setup({ maxLiveSessions: 3 });
    const oldest = store.create('local', patient);
    clock.advance(1_000);
    const second = store.create('local', patient);
    clock.advance(1_000);
    const third = store.create('local', patient);
    const release = await oldest.queue.acquire(1_000);
    clock.advance(1_000);
    store.touch(third);
    const fourth = store.create('local', patient);
    expect(store.all().map((session) => session.id).sort()).toEqual([oldest.id, third.id, fourth.id].sort());
    expect(codeOf(() => store.get(second.id, 'local'))).toContain('closed to make room');
    release();
  });

  it('refuses a new session when every live one is busy rather than evicting a running turn', async () => {
    const { store } = setup({ maxLiveSessions: 1 });
    const only = store.create('local', patient);
    await only.queue.acquire(1_000);
    expect(codeOf(() => store.create('local', patient))).toMatch(/^SESSION_BUSY/);
  });
});

describe('sweep touches only what is due', () => {
  it('expires 1% of 10,000 sessions and leaves the rest', () => {
    const { store, clock } = setup({ maxLiveSessions: 20_000 });
    for (let index = 0; index < 100; index += 1) store.create('local', patient);
    clock.advance(10 * MINUTE);
    for (let index = 0; index < 9_900; index += 1) store.create('local', patient);
    clock.advance(20 * MINUTE);
    expect(store.size).toBe(9_900);
  });
});

describe('list and delete', () => {
  it('lists the owner’s live sessions, most recent first, and deletes them', () => {
    const { store, clock } = setup();
    const first = store.create('local', patient);
    clock.advance(1);
    const second = store.create('local', patient);
    store.create('dr-b', patient);
    expect(store.list('local').map((info) => info.sessionId)).toEqual([second.id, first.id]);
    expect(store.delete(first.id, 'local')).toBe(true);
    expect(store.delete(first.id, 'local')).toBe(false);
    expect(codeOf(() => store.delete(second.id, 'dr-b'))).toMatch(/^FORBIDDEN/);
  });
});
