// @vitest-environment node
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordStore } from '../db/recordStore';
import { resealed, sessionRecord, turnRecord } from '../db/testing/records';
import { olderFormatText } from '../features/settings/HistoryFormatNote';
import type { AppStore } from './createAppStore';
import { createHistoryTest, type HistoryTest } from './testing/historyTest';
import { PROFILE_A, PROFILE_B, unlockedAs, type FakeApi } from './testing/fakeApi';

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

describe('records in the older format', () => {
  it('counts the signed-in clinician’s records still in format v1, and forgets the count on lock', async () => {
    const owner = PROFILE_A.profileId;
    const oldSession = sessionRecord({ v: 1, ownerId: owner });
    const oldTurns = [1, 2].map((seq) => turnRecord(oldSession.id, { v: 1, ownerId: owner, seq }));
    const reSealed = resealed(sessionRecord({ v: 1, ownerId: owner }));
    const theirs = sessionRecord({ v: 1, ownerId: PROFILE_B.profileId });
    expect((await history.putRecords([oldSession, ...oldTurns, reSealed, theirs])).ok).toBe(true);

    await state().countOlderFormatRecords();
    expect(state().olderFormatRecords).toBeNull();

    fake.emitAuthState(unlockedAs(PROFILE_A));
    await state().countOlderFormatRecords();
    expect(state().olderFormatRecords).toBe(3);
    expect(olderFormatText(3)).toBe('3 records of your history are in the older format; they are re-sealed in the current format when their session is continued.');

    fake.emitAuthState({ state: 'locked', profileId: owner, profileName: PROFILE_A.name, reason: 'manual' });
    expect(state().olderFormatRecords).toBeNull();
  });

  it('says so when every record is in the current format', () => {
    expect(olderFormatText(0)).toBe('All your stored records are in the current format.');
    expect(olderFormatText(1)).toBe('1 record of your history is in the older format; it is re-sealed in the current format when its session is continued.');
  });
});
