import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, ok } from '../../../shared/errors';
import type { ExportOutput } from '../../../shared/export';
import type { RecordStore } from '../db/recordStore';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { emptyAnalytics, lockedAs, PROFILE_A, unlockedAs, type FakeApi } from './testing/fakeApi';
import { storedSession } from './testing/storedSessions';

let t: HistoryTest;
let history: RecordStore;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  t = createHistoryTest({ indexHistory: false });
  ({ history, fake, store } = t);
});
afterEach(() => t.dispose());

const state = () => store.getState();
const locked = lockedAs('manual');
const FILE: ExportOutput = { format: 'markdown', fileName: 'session-3f2b8c1e-2026-03-02.md', mimeType: 'text/markdown', encoding: 'utf8', content: '# Session' };

describe('export slice', () => {
  it('hands main the open session’s stored records and returns the file, keeping none of it in the store', async () => {
    const stored = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }, { seq: 2 }] });
    await history.putRecords(stored.all);
    fake.emitAuthState(unlockedAs(PROFILE_A));
    store.setState({ sessionId: stored.session.sessionId });
    fake.answerExport = () => Promise.resolve(ok(FILE));
    expect(await state().exportSession('markdown')).toEqual(FILE);
    expect(fake.exportCalls).toHaveLength(1);
    expect(fake.exportCalls[0]?.format).toBe('markdown');
    expect(fake.exportCalls[0]?.records.map((record) => record.id)).toEqual(stored.all.map((record) => record.id));
    expect(state()).toMatchObject({ exportBusy: null, exportError: null });
    expect(JSON.stringify(state(), (_key, value: unknown) => (typeof value === 'function' ? undefined : value))).not.toContain('# Session');
  });

  it('says in its own words why main refuses while the audit log cannot be written, or the history failed its check', async () => {
    const stored = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }] });
    await history.putRecords(stored.all);
    fake.emitAuthState(unlockedAs(PROFILE_A));
    store.setState({ sessionId: stored.session.sessionId });
    fake.answerExport = () => Promise.resolve(fail('AUDIT_UNAVAILABLE', 'audit log unavailable'));
    expect(await state().exportSession('markdown')).toBeNull();
    expect(state().exportError).toEqual({ code: 'AUDIT_UNAVAILABLE', message: expect.stringMatching(/^This session cannot be exported right now: the app cannot write its audit log/) });
    fake.answerExport = () => Promise.resolve(fail('HISTORY_INTEGRITY', 'integrity'));
    expect(await state().exportSession('markdown')).toBeNull();
    expect(state().exportError).toEqual({ code: 'HISTORY_INTEGRITY', message: expect.stringMatching(/^This session cannot be exported: the stored history failed an integrity check/) });
    // Buttons stay on: these say "not now" or "tell IT", not "forbidden".
    expect(state().exportAllowed).not.toBe(false);
  });

  it('shows main’s policy refusal and turns the buttons off', async () => {
    const stored = storedSession(fake, { title: 'Chest pain', turns: [{ seq: 1 }] });
    await history.putRecords(stored.all);
    fake.emitAuthState(unlockedAs(PROFILE_A));
    store.setState({ sessionId: stored.session.sessionId });
    expect(await state().exportSession('json')).toBeNull();
    expect(state().exportError?.code).toBe('FORBIDDEN');
    expect(state().exportAllowed).toBe(false);
  });
});

describe('analytics slice', () => {
  it('shows main’s history figures — never figures from the page’s own rows, which it no longer reads — and forgets them on lock', async () => {
    // The page's rows say one thing (anyone with access to IndexedDB could have edited them)…
    await history.putRecords([
      ...storedSession(fake, { title: 'A', createdAt: 0, turns: [{ seq: 1 }, { seq: 2 }, { seq: 2, parentTurnId: '11111111-1111-4111-8111-111111111111' }] }).all,
      ...storedSession(fake, { title: 'B', createdAt: 5, turns: [{ seq: 1 }] }).all,
    ]);
    // …main, from the headers it authenticated, another.
    const figures = {
      ...emptyAnalytics(),
      sessions: 1,
      answeredTurns: 4,
      inferenceMs: { median: 1200, p95: 3000 },
      trimmedTurns: 1,
      history: { ...emptyAnalytics().history, sessions: 7, turns: 12, oneTurnSessions: 3, regenerations: 2, peakHours: [9] },
    };
    fake.answerAnalytics = () => Promise.resolve(ok(figures));
    const pages = vi.spyOn(history, 'sessionsPage');
    const turns = vi.spyOn(history, 'turnsOf');
    fake.emitAuthState(unlockedAs(PROFILE_A));
    // The sessions list reads its first page at unlock: that is the list, not the analytics.
    await vi.waitFor(() => expect(state().historyStatus).toBe('ready'));
    pages.mockClear();
    turns.mockClear();

    await state().loadAnalytics();

    expect(state().analyticsStatus).toBe('ready');
    expect(state().analyticsReport).toEqual(figures);
    expect(state().analyticsReport?.history).toMatchObject({ sessions: 7, turns: 12, oneTurnSessions: 3, regenerations: 2 });
    expect(pages).not.toHaveBeenCalled();
    expect(turns).not.toHaveBeenCalled();
    fake.emitAuthState(locked);
    await vi.waitFor(() => expect(state()).toMatchObject({ analyticsStatus: 'idle', analyticsReport: null, exportAllowed: null }));
  });

  it('says why when main refuses', async () => {
    fake.answerAnalytics = () => Promise.resolve(fail('LOCKED', 'The app is locked.'));
    fake.emitAuthState(unlockedAs(PROFILE_A));
    // Let the sessions list's first read (started by the unlock) finish before the database is deleted.
    await vi.waitFor(() => expect(state().historyStatus).toBe('ready'));
    await state().loadAnalytics();
    expect(state()).toMatchObject({ analyticsStatus: 'error', analyticsError: { code: 'LOCKED' } });
  });
});
