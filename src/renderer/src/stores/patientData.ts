/**
 * The ONE owner of "what counts as patient data in the page", and the one action that clears it. Every lock — the
 * Lock button, idle logoff, the OS screen lock, a removed profile, another clinician signing in (`switched`) — goes
 * through {@link PatientDataSlice.clearPatientData}, so what a lock clears cannot drift apart between code paths.
 *
 * Every data field of the store is in exactly one of three lists below. A field in none of them fails the typecheck
 * (see `everyFieldClassified`), and patientData.test.ts checks the lists against the store after a conversation, a
 * search, an export and the analytics: a field holding patient text that is not in {@link PATIENT_TEXT_FIELDS} fails.
 */
import { initialAnalyticsState } from './analyticsSlice';
import { initialExportState } from './exportSlice';
import { initialHistoryFormatState } from './historyFormatSlice';
import { initialHistoryState } from './historySlice';
import { initialIntakeState } from './intakeSlice';
import { initialSessionState } from './sessionSlice';
import { initialSyncStatusState } from './syncStatusSlice';
import { initialSessionRemovalState } from './sessionRemovalSlice';
import type { AppState, DataOf, SliceCreator } from './types';

/** Fields that hold what a clinician typed or the model answered, or text derived from it (titles, excerpts). */
export const PATIENT_TEXT_FIELDS = [
  // The intake form as typed, its checks (which may quote a typed value) and the warnings about unusual values.
  'form',
  'fieldErrors',
  'formErrors',
  'warnings',
  // The session shown: the patient, every question and answer, the follow-up being typed.
  'sessionPatient',
  'turns',
  // A forked session's branches: their questions and answers.
  'fork',
  'followUpDraft',
  // Past sessions: their titles (the chief complaint), the search text, main's hits and their excerpts.
  'historyEntries',
  'historyQuery',
  'historySearch',
] as const satisfies readonly (keyof DataOf<AppState>)[];

/**
 * Fields that hold no patient text but belong to the signed-in clinician's page — ids, counts, statuses, main's
 * messages, main's figures — cleared with the patient text so nothing of one signed-in period shows in the next.
 */
export const SIGNED_IN_FIELDS = [
  'warningsConfirmed',
  'intakeError',
  'doNotKeep',
  'view',
  'sessionMode',
  'setAsideCount',
  'rolledBackCount',
  'resuming',
  'sessionId',
  'turnCount',
  'sessionState',
  'lastSendFailed',
  // What the clinician asked for while the "discard this unkept session?" question is open (an id at most).
  'pendingDiscard',
  'sessionNotKept',
  'sessionCreatedAt',
  'lastModel',
  'lastEndpoint',
  'lastInferenceMs',
  'lastOmittedTurns',
  'runningTurnKey',
  'stopRequested',
  'conversationError',
  'historyNextBefore',
  'historyStatus',
  'historyLoadingMore',
  'historyError',
  'historyNotice',
  'historySessionProblems',
  // Dropping it ends the period: list reads, opens, searches and the indexing pass still under way write nothing.
  'historyGeneration',
  'historyIndexing',
  'openingSessionId',
  'exportAllowed',
  'exportBusy',
  'exportError',
  'analyticsStatus',
  'analyticsReport',
  'analyticsError',
  'olderFormatRecords',
  // Sync's line: counts, a time and main's sentence, but the signed-in clinician's (what waits is theirs).
  'syncStatus',
  'syncStatusError',
  'syncRunning',
  // Which of the clinician's sessions wait for the server (ids), and their delete in progress.
  'unsyncedSessionIds',
  'deletingSessionId',
  'deleteSessionError',
] as const satisfies readonly (keyof DataOf<AppState>)[];

/** Fields a lock leaves as they are, and why each holds no patient data. */
export const KEPT_THROUGH_LOCK = {
  llmStatus: 'the model server’s reachability and endpoint: workstation facts',
  llmStatusError: 'why that status could not be read: a message from main',
  llmStatusChecking: 'a flag',
  authState: 'main’s lock state: set by the lock itself, in the same update',
  profiles: 'the lock screen’s list of clinicians (names and ids, no patient data)',
  profilesLoaded: 'a flag',
  selfCreationAllowed: 'IT policy',
  authError: 'the lock screen’s message (a wrong passphrase): set by the lock itself',
  authBusy: 'a flag: set by the lock itself',
  resumeSessionId: 'the id of the session to reopen after unlock (an id only): set by the lock itself',
  resumeProfileId: 'whose that session is: set by the lock itself',
  resumeMode: 'how it was shown: set by the lock itself',
  screen: 'which screen shows (patients, analytics, settings)',
  settingsView: 'the settings without secrets (the lock screen uses the theme, and the sync server to offer a clinic sign-in)',
  settingsError: 'a message from main about settings',
  settingsSaving: 'a flag',
  diagnosticsText: 'the support bundle main builds without patient data',
  diagnosticsLoading: 'a flag',
  diagnosticsError: 'a message from main',
  historyDateFilter: 'the sessions list’s date filter (dates chosen, no patient data)',
  historyListRange: 'the same filter as index bounds',
} as const satisfies Partial<Record<keyof DataOf<AppState>, string>>;

/** A field a lock clears. */
export type ClearedField = (typeof PATIENT_TEXT_FIELDS)[number] | (typeof SIGNED_IN_FIELDS)[number];

type Classified = ClearedField | keyof typeof KEPT_THROUGH_LOCK;
/** Fails the typecheck when a data field of the store is in none of the lists above: classify it first. */
const everyFieldClassified: [Exclude<keyof DataOf<AppState>, Classified>] extends [never] ? true : false = true;
void everyFieldClassified;

/** Every cleared field's value at start-up, from the slices that own them. */
function initialValues(): Pick<DataOf<AppState>, ClearedField> {
  return {
    ...initialIntakeState,
    ...initialSessionState,
    ...initialHistoryState,
    ...initialExportState,
    ...initialAnalyticsState,
    ...initialHistoryFormatState,
    ...initialSyncStatusState,
    ...initialSessionRemovalState,
  };
}

/** What a lock sets: every field of {@link PATIENT_TEXT_FIELDS} and {@link SIGNED_IN_FIELDS} back to its start-up value. */
export function clearedPatientData(): Pick<DataOf<AppState>, ClearedField> {
  const initial = initialValues();
  return Object.fromEntries([...PATIENT_TEXT_FIELDS, ...SIGNED_IN_FIELDS].map((field) => [field, initial[field]])) as Pick<
    DataOf<AppState>,
    ClearedField
  >;
}

/** The clearing action. */
export interface PatientDataSlice {
  /**
   * Clears the patient data — every field of {@link PATIENT_TEXT_FIELDS} and {@link SIGNED_IN_FIELDS} — at once,
   * without asking main to stop anything; answers still on their way are then ignored. `alongside` is applied in the
   * same update (the lock sets its state with it, so no render ever shows locked and patient data together).
   */
  clearPatientData(alongside?: Partial<DataOf<AppState>>): void;
}

/** Builds the slice. */
export function createPatientDataSlice(): SliceCreator<PatientDataSlice> {
  return (_set, get) => ({
    clearPatientData(alongside = {}) {
      // Through the session slice, which also retires the shown session so its late answers are dropped.
      get().discardSession({ ...clearedPatientData(), ...alongside });
    },
  });
}
