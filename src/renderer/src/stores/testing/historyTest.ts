/**
 * The set-up the history slices' tests share: the real app store over a fresh history database (fake-indexeddb) and
 * the fake api, with helpers to store sessions, sign in and read the rows back.
 */
import Dexie from 'dexie';
import { expect, vi } from 'vitest';
import type { SealedRecord } from '../../../../shared/vault';
import type { ClinicHistoryDb } from '../../db/database';
import { createRecordStore, type RecordStore } from '../../db/recordStore';
import { freshDb } from '../../db/testing/records';
import { createAppStore, type AppStore, type AppStoreOptions } from '../createAppStore';
import type { AppState } from '../types';
import { createFakeApi, PROFILE_A, unlockedAs, type FakeApi } from './fakeApi';
import type { StoredSessionRecords } from './storedSessions';

/** One test's store, database and fake api. */
export interface HistoryTest {
  db: ClinicHistoryDb;
  history: RecordStore;
  fake: FakeApi;
  store: AppStore;
  state(): AppState;
  /** Stores sessions' records as the page's record sync would. */
  keep(...sessions: StoredSessionRecords[]): Promise<void>;
  /** Signs PROFILE_A in (as main's event would) and waits for the first page of the list. */
  signIn(): Promise<void>;
  /** Every record of `sessionId` as stored: the session row first, then its turns in store order. */
  storedRecordsOf(sessionId: string): Promise<SealedRecord[]>;
  /** The store's data, serialized: what a heap search for patient text would find in it. */
  storeText(): string;
  /** Unsubscribes the store and deletes the database. */
  dispose(): Promise<void>;
}

/** Builds a test's set-up; `options` are the store's (its history store is the test's own). */
export function createHistoryTest(options: Omit<AppStoreOptions, 'history'> = {}): HistoryTest {
  const db = freshDb();
  const history = createRecordStore(db);
  const fake = createFakeApi();
  const store = createAppStore(fake.api, { ...options, history });
  const state = () => store.getState();
  return {
    db,
    history,
    fake,
    store,
    state,
    async keep(...sessions) {
      const result = await history.putRecords(sessions.flatMap((session) => session.all));
      expect(result.ok).toBe(true);
    },
    async signIn() {
      fake.emitAuthState(unlockedAs(PROFILE_A));
      await vi.waitFor(() => expect(state().historyStatus).toBe('ready'));
    },
    async storedRecordsOf(sessionId) {
      const session = (await db.sessions.get(sessionId)) as SealedRecord;
      return [session, ...(await history.turnsOf(sessionId))];
    },
    storeText: () => JSON.stringify(state(), (_key, value: unknown) => (typeof value === 'function' ? undefined : value)),
    async dispose() {
      store.dispose();
      db.close();
      await Dexie.delete(db.name);
    },
  };
}
