import { beforeEach, describe, expect, it } from 'vitest';
import type { AuthState } from '../../../shared/auth';
import { ok, type Result } from '../../../shared/errors';
import { ACTIVITY_REPORT_INTERVAL_MS } from './authSlice';
import { createAppStore, initialState, type AppStore } from './createAppStore';
import {
  createFakeApi,
  failure,
  flush,
  GOOD_PASSPHRASE,
  LOCKED_AT_START,
  lockedAs,
  NEW_PROFILE,
  PATIENT,
  PROFILE_A,
  PROFILE_B,
  protocolResponse,
  SESSION_ID,
  TURN_1,
  TURN_2,
  unlockedAs,
  WRONG_PASSPHRASE_MESSAGE,
  type FakeApi,
} from './testing/fakeApi';

let fake: FakeApi;
let store: AppStore;
let clock: number;

beforeEach(() => {
  fake = createFakeApi();
  clock = 1_000_000;
  store = createAppStore(fake.api, { now: () => clock });
});

const state = () => store.getState();

const locked = lockedAs;

/** Patient text that must never outlive a lock, anywhere in the store. */
const CANARY = 'CANARY-7f3a Zebra-stripe rash on the left forearm';

/** Signs in PROFILE_A, fills the intake form and runs a session of one answered turn plus a streaming one. */
async function signedInWithPatientData(): Promise<void> {
  fake.emitAuthState(unlockedAs(PROFILE_A));
  const first = state().startSession({ ...PATIENT, chiefComplaint: CANARY });
  fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_1, seq: 1 });
  fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_1, index: 0, delta: `Assess ${CANARY}` });
  fake.generateCalls[0]!.resolve(
    ok(protocolResponse({ seq: 1, turnId: TURN_1, protocol: `Protocol for ${CANARY}`, patientSummary: { ...PATIENT, chiefComplaint: CANARY } })),
  );
  await first;
  state().setFollowUpDraft(`And ${CANARY}?`);
  void state().sendFollowUp();
  fake.emitTurnStarted({ sessionId: SESSION_ID, turnId: TURN_2, seq: 2 });
  fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_2, index: 0, delta: `Partial ${CANARY}` });
  state().setFollowUpDraft(`draft ${CANARY}`);
  state().setField('chiefComplaint', CANARY);
  state().setField('allergies', CANARY);
}

/** The store's data, serialized: what a heap search for the canary would find in it. */
const storeText = () => JSON.stringify(state(), (_key, value: unknown) => (typeof value === 'function' ? undefined : value));

describe('subscriptions', () => {
  it('subscribes to auth.stateChanged once, and drops it on dispose', () => {
    expect(fake.authListenerCount()).toBe(1);
    store.dispose();
    expect(fake.authListenerCount()).toBe(0);
  });
});

describe('loadAuth', () => {
  it('reads the state and the profile list', async () => {
    expect(state().authState).toBeNull();
    await state().loadAuth();
    expect(state().authState).toEqual(LOCKED_AT_START);
    expect(state().profiles).toEqual([PROFILE_A, PROFILE_B]);
    expect(state().profilesLoaded).toBe(true);
    expect(state().selfCreationAllowed).toBe(true);
  });

  it('shows why the state could not be read, and can be tried again', async () => {
    fake.authState = failure('INTERNAL', 'The app could not start its profile store.');
    await state().loadAuth();
    expect(state().authState).toBeNull();
    expect(state().authError?.message).toBe('The app could not start its profile store.');
    fake.authState = ok(LOCKED_AT_START);
    await state().loadAuth();
    expect(state().authState).toEqual(LOCKED_AT_START);
  });

  it('does not double a load already under way (StrictMode runs effects twice)', async () => {
    await Promise.all([state().loadAuth(), state().loadAuth()]);
    expect(fake.authStateCalls).toBe(1);
  });

  it('lets a lock pushed while the state was being read win over an older "unlocked" answer', async () => {
    let answer!: (result: Result<AuthState>) => void;
    fake.answerAuthState = () => new Promise((resolve) => (answer = resolve));
    const loading = state().loadAuth();
    fake.emitAuthState(locked('idle'));
    answer(ok(unlockedAs(PROFILE_A)));
    await loading;
    expect(state().authState?.state).toBe('locked');
  });

  it('knows when IT reserves profile creation', async () => {
    fake.profileList = ok({ profiles: [], selfCreationAllowed: false });
    await state().loadAuth();
    expect(state().profiles).toEqual([]);
    expect(state().selfCreationAllowed).toBe(false);
  });
});

describe('locking clears patient data', () => {
  it.each([
    ['idle logoff', 'idle'],
    ['the OS screen lock', 'os-lock'],
    ['a removed profile', 'removed'],
    ['another clinician signing in', 'switched'],
  ] as const)('on %s: form, session, turns, drafts and errors are back to initial, the session id is kept', async (_name, reason) => {
    await signedInWithPatientData();
    expect(state().turns).toHaveLength(2);
    expect(storeText()).toContain(CANARY);

    fake.emitAuthState(locked(reason));

    const s = state();
    expect(s.authState?.state).toBe('locked');
    expect(s.authState?.reason).toBe(reason);
    expect(s.form).toEqual(initialState.form);
    expect(s.turns).toEqual([]);
    expect(s.sessionId).toBeNull();
    expect(s.sessionPatient).toBeNull();
    expect(s.followUpDraft).toBe('');
    expect(s.view).toBe('intake');
    expect(s.runningTurnKey).toBeNull();
    for (const key of Object.keys(initialState) as (keyof typeof initialState)[]) {
      if (key.startsWith('auth') || key.startsWith('resume') || key.startsWith('profile') || key.startsWith('llm')) continue;
      if (key === 'selfCreationAllowed') continue;
      expect(s[key], key).toEqual(initialState[key]);
    }
    expect(s.resumeSessionId).toBe(SESSION_ID);
    expect(s.resumeProfileId).toBe(PROFILE_A.profileId);
    expect(storeText()).not.toContain(CANARY);
  });

  it('clears errors that could quote the patient too', async () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    const first = state().startSession(PATIENT);
    fake.generateCalls[0]!.resolve(failure('INVALID_INPUT', 'Main refused it.'));
    await first;
    state().setField('chiefComplaint', CANARY);
    expect(state().intakeError).not.toBeNull();
    fake.emitAuthState(locked('idle'));
    expect(state().intakeError).toBeNull();
    expect(state().conversationError).toBeNull();
    expect(state().fieldErrors).toEqual({});
  });

  it('ignores answers and deltas of the locked session that arrive afterwards', async () => {
    await signedInWithPatientData();
    fake.emitAuthState(locked('idle'));
    fake.emitDelta({ sessionId: SESSION_ID, turnId: TURN_2, index: 1, delta: CANARY });
    fake.generateCalls[1]!.resolve(ok(protocolResponse({ seq: 2, turnId: TURN_2, protocol: CANARY })));
    await flush();
    expect(state().turns).toEqual([]);
    expect(state().sessionId).toBeNull();
    expect(storeText()).not.toContain(CANARY);
  });

  it('does not ask main to stop the turn (the clinician did not)', async () => {
    await signedInWithPatientData();
    fake.emitAuthState(locked('idle'));
    expect(fake.cancelCalls).toEqual([]);
  });

  it('the Lock button clears the page at once, before main answers', async () => {
    await signedInWithPatientData();
    let answer!: (result: Result<AuthState>) => void;
    fake.answerLock = () => new Promise((resolve) => (answer = resolve));
    const locking = state().lock();
    expect(fake.lockCalls).toBe(1);
    expect(state().authState).toMatchObject({ state: 'locked', reason: 'manual', profileId: PROFILE_A.profileId });
    expect(state().turns).toEqual([]);
    expect(storeText()).not.toContain(CANARY);
    expect(state().resumeSessionId).toBe(SESSION_ID);
    answer(ok(locked('manual')));
    await locking;
    expect(state().authState).toEqual(locked('manual'));
  });

  it('keeps the session to resume through a second lock event', async () => {
    await signedInWithPatientData();
    fake.emitAuthState(locked('os-lock'));
    fake.emitAuthState(locked('idle'));
    expect(state().resumeSessionId).toBe(SESSION_ID);
  });

  it('reads the profile list again after a lock (a profile may be gone)', async () => {
    await state().loadAuth();
    fake.emitAuthState(unlockedAs(PROFILE_A));
    fake.profileList = ok({ profiles: [PROFILE_B], selfCreationAllowed: true });
    fake.emitAuthState(locked('removed'));
    await flush();
    expect(state().profiles).toEqual([PROFILE_B]);
  });

  it('after unlocking, a LOCKED answer to a data call makes the page ask main who is signed in', async () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    fake.authState = ok(locked('idle'));
    const first = state().startSession(PATIENT);
    fake.generateCalls[0]!.resolve(failure('LOCKED', 'The app is locked.'));
    await first;
    await flush();
    expect(state().authState?.state).toBe('locked');
    expect(state().intakeError).toBeNull();
  });
});

describe('resume after unlock', () => {
  it('keeps the session id for the same clinician', async () => {
    await signedInWithPatientData();
    fake.emitAuthState(locked('idle'));
    expect(await state().unlock(PROFILE_A.profileId, GOOD_PASSPHRASE)).toBe(true);
    expect(state().resumeSessionId).toBe(SESSION_ID);
    state().clearResumeSession();
    expect(state().resumeSessionId).toBeNull();
  });

  it('drops it when another clinician unlocks', async () => {
    await signedInWithPatientData();
    fake.emitAuthState(locked('idle'));
    expect(await state().unlock(PROFILE_B.profileId, GOOD_PASSPHRASE)).toBe(true);
    expect(state().resumeSessionId).toBeNull();
    expect(state().resumeProfileId).toBeNull();
  });
});

describe('unlock', () => {
  beforeEach(() => state().loadAuth());

  it('signs in with the right passphrase', async () => {
    const unlocked = await state().unlock(PROFILE_A.profileId, GOOD_PASSPHRASE);
    expect(unlocked).toBe(true);
    expect(fake.unlockCalls).toEqual([{ profileId: PROFILE_A.profileId, passphrase: GOOD_PASSPHRASE }]);
    expect(state().authState).toEqual(unlockedAs(PROFILE_A));
    expect(state().authError).toBeNull();
    expect(state().authBusy).toBe(false);
  });

  it('shows main’s message for a wrong passphrase and stays locked', async () => {
    const unlocked = await state().unlock(PROFILE_A.profileId, 'not the passphrase');
    expect(unlocked).toBe(false);
    expect(state().authState).toEqual(LOCKED_AT_START);
    expect(state().authError).toEqual({ code: 'FORBIDDEN', message: WRONG_PASSPHRASE_MESSAGE });
  });

  it('is busy while main waits before answering, and clears the last error when trying again', async () => {
    await state().unlock(PROFILE_A.profileId, 'wrong');
    let answer!: (result: Result<AuthState>) => void;
    fake.answerUnlock = () => new Promise((resolve) => (answer = resolve));
    const unlocking = state().unlock(PROFILE_A.profileId, GOOD_PASSPHRASE);
    expect(state().authBusy).toBe(true);
    expect(state().authError).toBeNull();
    answer(ok(unlockedAs(PROFILE_A)));
    await unlocking;
    expect(state().authBusy).toBe(false);
    expect(state().authState?.state).toBe('unlocked');
  });

  it('a successful unlock clears the last failure', async () => {
    await state().unlock(PROFILE_A.profileId, 'wrong');
    await state().unlock(PROFILE_A.profileId, GOOD_PASSPHRASE);
    expect(state().authError).toBeNull();
  });
});

describe('signInWithClinicProfile', () => {
  beforeEach(() => state().loadAuth());

  it('signs in with the name and passphrase typed, then lists the profile on this workstation', async () => {
    const clinicProfile = { ...PROFILE_A, name: 'Dr Clinic' };
    fake.profileList = ok({ profiles: [PROFILE_A, PROFILE_B, clinicProfile], selfCreationAllowed: true });
    const signedIn = await state().signInWithClinicProfile('Dr Clinic', GOOD_PASSPHRASE);
    await flush();
    expect(signedIn).toBe(true);
    expect(fake.signInWithClinicProfileCalls).toEqual([{ name: 'Dr Clinic', passphrase: GOOD_PASSPHRASE }]);
    expect(state().authState).toMatchObject({ state: 'unlocked', profileName: 'Dr Clinic' });
    expect(state().profiles).toContainEqual(clinicProfile);
    expect(state().authBusy).toBe(false);
  });

  it.each([
    ['a wrong passphrase', 'FORBIDDEN', WRONG_PASSPHRASE_MESSAGE],
    ['too many tries, with the wait', 'FORBIDDEN', 'Too many failed sign-ins. Try again in 2 minutes.'],
    ['the sync server unreachable', 'INTERNAL', 'The clinic sync server cannot be reached. Sign in on a workstation where you have signed in before, or try again later.'],
    ['sync off on this workstation', 'FORBIDDEN', 'Sync is off on this workstation: there is no clinic sync server in its policy.'],
  ] as const)('shows main’s message for %s and stays locked', async (_name, code, message) => {
    fake.answerSignInWithClinicProfile = () => Promise.resolve(failure(code, message));
    const signedIn = await state().signInWithClinicProfile('Dr Clinic', GOOD_PASSPHRASE);
    expect(signedIn).toBe(false);
    expect(state().authState).toEqual(LOCKED_AT_START);
    expect(state().authError).toEqual({ code, message });
    expect(state().authBusy).toBe(false);
  });

  it('is busy while main derives the keys and asks the server', async () => {
    let answer!: (result: Result<AuthState>) => void;
    fake.answerSignInWithClinicProfile = () => new Promise((resolve) => (answer = resolve));
    const signingIn = state().signInWithClinicProfile('Dr Clinic', GOOD_PASSPHRASE);
    expect(state().authBusy).toBe(true);
    answer(ok(unlockedAs(PROFILE_A)));
    await signingIn;
    expect(state().authBusy).toBe(false);
  });

  it('never keeps the passphrase in the store', async () => {
    const secret = 'clinic-profile-secret-passphrase-4';
    await state().signInWithClinicProfile('Dr Clinic', secret);
    expect(storeText()).not.toContain(secret);
  });
});

describe('createProfile', () => {
  it('creates and signs in the new profile, then lists it', async () => {
    await state().loadAuth();
    fake.profileList = ok({ profiles: [PROFILE_A, PROFILE_B, NEW_PROFILE], selfCreationAllowed: true });
    const created = await state().createProfile('Dr New', GOOD_PASSPHRASE);
    await flush();
    expect(created).toBe(true);
    expect(fake.createProfileCalls).toEqual([{ name: 'Dr New', passphrase: GOOD_PASSPHRASE }]);
    expect(state().authState).toEqual(unlockedAs(NEW_PROFILE));
    expect(state().profiles).toContainEqual(NEW_PROFILE);
  });

  it('shows main’s refusal', async () => {
    fake.answerCreateProfile = () => Promise.resolve(failure('FORBIDDEN', 'Profiles on this workstation are created by IT.'));
    const created = await state().createProfile('Dr New', GOOD_PASSPHRASE);
    expect(created).toBe(false);
    expect(state().authError?.message).toBe('Profiles on this workstation are created by IT.');
    expect(state().authState).toBeNull();
  });
});

describe('changePassphrase', () => {
  it('sends both passphrases and reports success', async () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    const next = 'a much longer passphrase of several words';
    expect(await state().changePassphrase(GOOD_PASSPHRASE, next)).toBe(true);
    expect(fake.changePassphraseCalls).toEqual([{ currentPassphrase: GOOD_PASSPHRASE, newPassphrase: next }]);
    expect(state().authError).toBeNull();
  });

  it('shows main’s message when the current passphrase is wrong', async () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    expect(await state().changePassphrase('wrong', 'a much longer passphrase')).toBe(false);
    expect(state().authError?.message).toBe(WRONG_PASSPHRASE_MESSAGE);
  });
});

describe('passphrases never stay in the store', () => {
  it('after unlock (good or wrong), createProfile and changePassphrase', async () => {
    const secrets = ['wrong-secret-passphrase-1', GOOD_PASSPHRASE, 'created-profile-secret-2', 'changed-secret-passphrase-3'];
    await state().loadAuth();
    await state().unlock(PROFILE_A.profileId, secrets[0]!);
    await state().unlock(PROFILE_A.profileId, secrets[1]!);
    await state().changePassphrase(GOOD_PASSPHRASE, secrets[3]!);
    await state().lock();
    await state().createProfile('Dr New', secrets[2]!);
    await flush();
    const text = storeText();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text.toLowerCase()).not.toContain('passphrase"');
  });
});

describe('activity reporting', () => {
  it('is not reported while locked (or before the state is known)', async () => {
    state().reportActivity();
    await state().loadAuth();
    state().reportActivity();
    expect(fake.reportActivityCalls).toBe(0);
  });

  it('is reported at most once per interval while unlocked', () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    state().reportActivity();
    state().reportActivity();
    clock += ACTIVITY_REPORT_INTERVAL_MS - 1;
    state().reportActivity();
    expect(fake.reportActivityCalls).toBe(1);
    clock += 1;
    state().reportActivity();
    state().reportActivity();
    expect(fake.reportActivityCalls).toBe(2);
    clock += 10 * ACTIVITY_REPORT_INTERVAL_MS;
    state().reportActivity();
    expect(fake.reportActivityCalls).toBe(3);
  });

  it('reports again at once after a lock and unlock', () => {
    fake.emitAuthState(unlockedAs(PROFILE_A));
    state().reportActivity();
    fake.emitAuthState(locked('idle'));
    state().reportActivity();
    fake.emitAuthState(unlockedAs(PROFILE_A));
    state().reportActivity();
    expect(fake.reportActivityCalls).toBe(2);
  });
});
