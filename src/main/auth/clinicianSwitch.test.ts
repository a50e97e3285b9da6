import { describe, expect, it, vi } from 'vitest';
import { TEST_PASSPHRASE } from '../../../test/support/mainForTests';
import { mainTestBed } from '../../../test/support/mainTestBed';
import type { MetadataAnalytics } from '../../shared/analytics';
import type { AuthState } from '../../shared/auth';
import type { ProtocolResponse } from '../../shared/protocol';
import type { SearchOutput } from '../../shared/vault';

/**
 * A second clinician never sees the first one's patients: signing another clinician in while one is signed in is a
 * full lock of the first (keys, search index, figures, live sessions), audited as their lock.
 */
const bed = mainTestBed();

const PASS_B = 'violet harbor lantern quietly';

/** Clinician A (signed in by the test set-up) sees a patient with a rash; returns A's profile id and session id. */
async function clinicianAHasARash(): Promise<{ profileA: string; sessionId: string }> {
  bed.server.queueReply('Consider contact dermatitis.');
  const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient: { age: 34, sex: 'female', chiefComplaint: 'Itchy rash on both forearms' } });
  const search = await bed.main.callOk<SearchOutput>('vault.search', { query: 'rash' });
  expect(search.hits.map((hit) => hit.sessionId)).toEqual([first.sessionId]);
  const state = await bed.main.callOk<AuthState>('auth.state');
  return { profileA: state.profileId!, sessionId: first.sessionId };
}

async function expectNothingOfA(sessionId: string): Promise<void> {
  const search = await bed.main.callOk<SearchOutput>('vault.search', { query: 'rash' });
  expect(search).toEqual({ hits: [], indexedSessions: 0 });
  const figures = await bed.main.callOk<MetadataAnalytics>('vault.analytics');
  expect(figures).toMatchObject({ sessions: 0, answeredTurns: 0, history: { sessions: 0, turns: 0 } });
  // A's live session is gone from memory, not merely refused: even A, signing in again, must resume it from history.
  const followUp = await bed.main.call('protocol.generate', { sessionId, message: 'Worse today' });
  expect(followUp.ok).toBe(false);
}

describe('switching clinicians (a full lock first)', () => {
  it('creating a profile for B while A is signed in: B’s search finds none of A’s patients, and A’s lock is audited', async () => {
    const { profileA, sessionId } = await clinicianAHasARash();
    const stateB = await bed.main.callOk<AuthState>('auth.createProfile', { name: 'Dr B', passphrase: PASS_B });
    expect(stateB.profileId).not.toBe(profileA);
    await expectNothingOfA(sessionId);
    await vi.waitFor(async () => expect(await bed.main.auditEntries()).toContainEqual(expect.objectContaining({ action: 'auth.locked', profileId: profileA })));

    // A signs in again: their live session is not there any more (it is resumed from history as after any lock).
    await bed.main.callOk('auth.unlock', { profileId: profileA, passphrase: TEST_PASSPHRASE });
    expect(await bed.main.call('protocol.generate', { sessionId, message: 'Worse today' })).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
  });

  it('unlocking an existing B while A is signed in does the same', async () => {
    const { profileA } = await clinicianAHasARash();
    const stateB = await bed.main.callOk<AuthState>('auth.createProfile', { name: 'Dr B', passphrase: PASS_B });
    await bed.main.callOk('auth.unlock', { profileId: profileA, passphrase: TEST_PASSPHRASE });
    const { sessionId } = await clinicianAHasARash();
    await bed.main.callOk('auth.unlock', { profileId: stateB.profileId, passphrase: PASS_B });
    await expectNothingOfA(sessionId);
  });

  it('a wrong passphrase for B still signs A out: someone else is at the workstation', async () => {
    const { profileA } = await clinicianAHasARash();
    const stateB = await bed.main.callOk<AuthState>('auth.createProfile', { name: 'Dr B', passphrase: PASS_B });
    await bed.main.callOk('auth.unlock', { profileId: profileA, passphrase: TEST_PASSPHRASE });
    const attempt = bed.main.call('auth.unlock', { profileId: stateB.profileId, passphrase: 'not the passphrase at all' });
    // A wrong passphrase is answered after the throttle's delay, on the test bed.clock.
    let answered = false;
    void attempt.finally(() => (answered = true));
    while (!answered) {
      bed.clock.advance(250);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await attempt).toMatchObject({ ok: false });
    expect(await bed.main.callOk<AuthState>('auth.state')).toMatchObject({ state: 'locked', reason: 'switched' });
    expect(await bed.main.call('vault.search', { query: 'rash' })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  });
});
