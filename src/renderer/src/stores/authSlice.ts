/**
 * Who is signed in, as main reports it, and the actions of the lock screen. Main enforces the lock (while locked,
 * data calls answer `LOCKED`); this slice makes the page follow it: the moment the state turns locked — whatever the
 * reason: the clinician's "Lock", idle logoff, the OS screen lock, a removed profile, another clinician signing in —
 * every bit of patient data leaves the store, through the one `clearPatientData` (patientData.ts).
 *
 * Passphrases pass through the actions straight to main and are never written into the store: the forms keep
 * them in their own local state and clear it after submitting.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { AuthState, ProfileSummary } from '../../../shared/auth';
import type { ErrorPayload, Result } from '../../../shared/errors';
import type { SessionMode } from './sessionSlice';
import type { DataOf, SliceCreator } from './types';

/** Main hears of activity in the page at most this often (it combines it with the system idle time). */
export const ACTIVITY_REPORT_INTERVAL_MS = 30_000;

/** Auth data and actions. */
export interface AuthSlice {
  /** Main's last word on who is signed in; null until known (the page shows a loading state). */
  authState: AuthState | null;
  /** The clinician profiles of this workstation (no secrets). */
  profiles: ProfileSummary[];
  /** The profile list has been read at least once (so "no profiles" means none, not "not read yet"). */
  profilesLoaded: boolean;
  /** False when IT policy reserves creating profiles to IT. */
  selfCreationAllowed: boolean;
  /** Main's last refusal or failure of an auth call (a wrong passphrase, with main's message). */
  authError: ErrorPayload | null;
  /** An auth call is under way (main delays wrong passphrases more each time). */
  authBusy: boolean;
  /**
   * The session that was open when the page locked — its id only, no patient data — so it can be reopened after
   * the same clinician unlocks. Dropped when another profile unlocks.
   */
  resumeSessionId: string | null;
  /** The profile {@link resumeSessionId} belongs to. */
  resumeProfileId: string | null;
  /** How that session was shown (live, or a past session read-only), so it is reopened the same way. */
  resumeMode: SessionMode;

  /** Reads the auth state and the profile list from main (at start-up, and to retry after a failure). */
  loadAuth(): Promise<void>;
  /** Reads the profile list again (after a lock, a profile may have been removed). */
  loadProfiles(): Promise<void>;
  /** Creates a profile and signs it in. Resolves true on success. */
  createProfile(name: string, passphrase: string): Promise<boolean>;
  /** Unlocks `profileId`. Resolves true on success; on failure {@link authError} holds main's message. */
  unlock(profileId: string, passphrase: string): Promise<boolean>;
  /**
   * Signs in, on this workstation, with a profile published to the clinic's sync server from another one (name and
   * passphrase). Resolves true on success (the profile is then listed here too); on failure {@link authError} holds
   * main's message — a wrong passphrase, a wait after too many tries, the server unreachable, sync off.
   */
  signInWithClinicProfile(name: string, passphrase: string): Promise<boolean>;
  /** Locks at once: the page clears itself before main even answers. */
  lock(): Promise<void>;
  /** Changes the signed-in clinician's passphrase. Resolves true on success. */
  changePassphrase(currentPassphrase: string, newPassphrase: string): Promise<boolean>;
  /** Tells main the clinician is active, at most once per {@link ACTIVITY_REPORT_INTERVAL_MS}, only while unlocked. */
  reportActivity(): void;
  /** Forgets the session to resume (reopened, or declined). */
  clearResumeSession(): void;
  clearAuthError(): void;
  /** Event intake: main's `auth.stateChanged`. Called by the store's subscription, not by components. */
  receiveAuthState(state: AuthState): void;
}

/** Nothing known yet. */
export const initialAuthState: Readonly<DataOf<AuthSlice>> = Object.freeze({
  authState: null,
  profiles: [],
  profilesLoaded: false,
  selfCreationAllowed: false,
  authError: null,
  authBusy: false,
  resumeSessionId: null,
  resumeProfileId: null,
  resumeMode: 'live',
});

/** Builds the auth slice over `api`; `now` is a monotonic clock in milliseconds (injected for tests). */
export function createAuthSlice(api: AppApi, now: () => number): SliceCreator<AuthSlice> {
  return (set, get) => {
    // Bumped by every state applied, so an answer that raced with a newer event does not undo it.
    let stateVersion = 0;
    let lastActivityReport: number | null = null;
    let loading: Promise<void> | null = null;

    /**
     * Applies main's answer to a call begun at `version`. A locked answer always applies (clearing is never wrong);
     * an unlocked one only when no newer state arrived meanwhile (an idle lock pushed while the call was out).
     */
    const applyAnswer = (version: number, state: AuthState): void => {
      if (state.state === 'unlocked' && version !== stateVersion) return;
      get().receiveAuthState(state);
    };

    /** Runs an auth call that needs the busy flag, and records its error. */
    const busyCall = async <T>(call: () => Promise<Result<T>>): Promise<Result<T>> => {
      set({ authBusy: true, authError: null });
      try {
        const result = await call();
        set(result.ok ? { authBusy: false } : { authBusy: false, authError: result.error });
        return result;
      } catch {
        // The bridge answers errors as data; this is only a guard so the form never stays busy.
        const error: ErrorPayload = { code: 'INTERNAL', message: 'The request could not be completed. Please try again.' };
        set({ authBusy: false, authError: error });
        return { ok: false, error };
      }
    };

    return {
      ...initialAuthState,

      loadAuth() {
        loading ??= (async () => {
          const version = stateVersion;
          const [state] = await Promise.all([api.auth.state(), get().loadProfiles()]);
          if (state.ok) applyAnswer(version, state.data);
          else set({ authError: state.error });
        })().finally(() => {
          loading = null;
        });
        return loading;
      },

      async loadProfiles() {
        const result = await api.auth.listProfiles();
        if (result.ok) {
          set({ profiles: result.data.profiles, selfCreationAllowed: result.data.selfCreationAllowed, profilesLoaded: true });
        } else {
          set({ authError: result.error });
        }
      },

      async createProfile(name, passphrase) {
        const version = stateVersion;
        const result = await busyCall(() => api.auth.createProfile({ name, passphrase }));
        if (!result.ok) return false;
        applyAnswer(version, result.data);
        void get().loadProfiles();
        return true;
      },

      async unlock(profileId, passphrase) {
        const version = stateVersion;
        const result = await busyCall(() => api.auth.unlock({ profileId, passphrase }));
        if (!result.ok) return false;
        applyAnswer(version, result.data);
        return get().authState?.state === 'unlocked';
      },

      async signInWithClinicProfile(name, passphrase) {
        const version = stateVersion;
        const result = await busyCall(() => api.auth.signInWithClinicProfile({ name, passphrase }));
        if (!result.ok) return false;
        applyAnswer(version, result.data);
        // The profile now lives on this workstation too: the next lock screen lists it for a plain unlock.
        void get().loadProfiles();
        return get().authState?.state === 'unlocked';
      },

      async lock() {
        const current = get().authState;
        // Clear the page first: the clinician may be walking away, main's answer must not be waited for.
        get().receiveAuthState({
          state: 'locked',
          profileId: current?.profileId ?? null,
          profileName: current?.profileName ?? null,
          reason: 'manual',
        });
        const version = stateVersion;
        const result = await api.auth.lock();
        if (result.ok) applyAnswer(version, result.data);
        else set({ authError: result.error });
      },

      async changePassphrase(currentPassphrase, newPassphrase) {
        const result = await busyCall(() => api.auth.changePassphrase({ currentPassphrase, newPassphrase }));
        return result.ok;
      },

      reportActivity() {
        if (get().authState?.state !== 'unlocked') return;
        const at = now();
        if (lastActivityReport !== null && at - lastActivityReport < ACTIVITY_REPORT_INTERVAL_MS) return;
        lastActivityReport = at;
        // Best effort: a failure changes nothing here; if main has locked, its state event follows.
        void api.auth.reportActivity().catch(() => undefined);
      },

      clearResumeSession() {
        set({ resumeSessionId: null, resumeProfileId: null, resumeMode: 'live' });
      },

      clearAuthError() {
        set({ authError: null });
      },

      receiveAuthState(state) {
        stateVersion++;
        const previous = get().authState;
        if (state.state !== 'unlocked') {
          // Whoever locked, and why, the patient data goes now, in the same update as the state: no render shows both.
          const { sessionId, sessionMode, resumeSessionId, resumeProfileId, resumeMode } = get();
          const keepResume = sessionId === null;
          get().clearPatientData({
            authState: state,
            authBusy: false,
            // A failed unlock's message stays visible; anything from the unlocked app does not carry over.
            authError: previous?.state === 'unlocked' ? null : get().authError,
            resumeSessionId: keepResume ? resumeSessionId : sessionId,
            resumeProfileId: keepResume ? resumeProfileId : (previous?.profileId ?? null),
            resumeMode: keepResume ? resumeMode : sessionMode,
          });
          lastActivityReport = null;
          // A removed profile, or one created elsewhere meanwhile, shows on the lock screen.
          if (previous?.state === 'unlocked' || state.reason === 'removed') void get().loadProfiles();
          return;
        }
        const switched = previous?.state === 'unlocked' && previous.profileId !== state.profileId;
        const otherOwner = get().resumeProfileId !== null && get().resumeProfileId !== state.profileId;
        if (switched) {
          // Another clinician without a lock in between (main sends `switched` first; this covers a missed event):
          // nothing of the first may remain.
          get().clearPatientData({
            authState: state,
            authError: null,
            resumeSessionId: null,
            resumeProfileId: null,
            resumeMode: 'live',
          });
          void get().startHistory();
          void get().loadSyncStatus();
          return;
        }
        set({
          authState: state,
          authError: null,
          ...(otherOwner ? { resumeSessionId: null, resumeProfileId: null, resumeMode: 'live' as const } : {}),
        });
        // Just unlocked: list the clinician's sessions and reopen the one the lock cleared from the page, and show
        // where their sync stands.
        if (previous?.state !== 'unlocked') {
          void get().startHistory();
          void get().loadSyncStatus();
        }
      },
    };
  };
}
