import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthState } from '../../../shared/auth';
import { fail, ok } from '../../../shared/errors';
import type { ExportOutput } from '../../../shared/export';
import type { ClinicHistoryDb } from '../db/database';
import { createRecordStore, type RecordStore } from '../db/recordStore';
import { freshDb } from '../db/testing/records';
import { createAppStore, type AppStore } from './createAppStore';
import { createFakeApi, PROFILE_A, unlockedAs, type FakeApi } from './testing/fakeApi';
import { storedSession } from './testing/storedSessions';

let db: ClinicHistoryDb;
let history: RecordStore;
let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  db = freshDb();
  history = createRecordStore(db);
  fake = createFakeApi();
  store = createAppStore(fake.api, { history, indexHistory: false });
});
afterEach(async () => {
  store.dispose();
  db.close();
  await Dexie.delete(db.name);
});

const state = () => store.getState();
const locked: AuthState = { state: 'locked', profileId: PROFILE_A.profileId, profileName: PROFILE_A.name, reason: 'manual' };
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
  it('computes the page’s figures from stored rows, takes main’s, and forgets both on lock', async () => {
    await history.putRecords([
      ...storedSession(fake, { title: 'A', createdAt: 0, turns: [{ seq: 1 }, { seq: 2 }, { seq: 2, parentTurnId: '11111111-1111-4111-8111-111111111111' }] }).all,
      ...storedSession(fake, { title: 'B', createdAt: 5, turns: [{ seq: 1 }] }).all,
    ]);
    fake.answerAnalytics = () => Promise.resolve(ok({ sessions: 2, answeredTurns: 4, inferenceMs: { median: 1200, p95: 3000 }, trimmedTurns: 1 }));
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await state().loadAnalytics();
    expect(state().analyticsStatus).toBe('ready');
    expect(state().analyticsReport?.page).toMatchObject({ sessions: 2, turns: 3, oneTurnSessions: 1, regenerations: 1 });
    expect(state().analyticsReport?.main.trimmedTurns).toBe(1);
    fake.emitAuthState(locked);
    await vi.waitFor(() => expect(state()).toMatchObject({ analyticsStatus: 'idle', analyticsReport: null, exportAllowed: null }));
  });

  it('says why when main refuses', async () => {
    fake.answerAnalytics = () => Promise.resolve(fail('LOCKED', 'The app is locked.'));
    fake.emitAuthState(unlockedAs(PROFILE_A));
    await state().loadAnalytics();
    expect(state()).toMatchObject({ analyticsStatus: 'error', analyticsError: { code: 'LOCKED' } });
  });
});
