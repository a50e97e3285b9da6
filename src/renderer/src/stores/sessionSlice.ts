/**
 * The running session: its turns, the answer streaming in, the follow-up being typed, and the actions that start,
 * continue, stop and discard it. Main owns the session; this slice mirrors what the clinician needs to see.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { ErrorPayload } from '../../../shared/errors';
import { MAX_MESSAGE_TEXT, type Patient } from '../../../shared/patient';
import type { DeltaEvent, ProtocolResponse, TurnStartedEvent } from '../../../shared/protocol';
import { resumeFromStore, type HistoryStore, type ResumeOutcome, type StoredSessionView } from './historyRecords';
import { initialIntakeState } from './intakeSlice';
import { appendDelta, finishTurn, pendingTurn, sameId, updateTurn, type Turn } from './turns';
import type { AppState, DataOf, SliceCreator } from './types';

/**
 * How the shown session can be used: `live` (main holds it — or will again, resumed transparently — and follow-ups
 * go to it) or `review` (read back from the history store, read-only until "Continue this session").
 */
export type SessionMode = 'live' | 'review';

/** Session data and actions. */
export interface SessionSlice {
  /** Which screen shows: the intake form, or the session once a first turn is under way (or one read back). */
  view: 'intake' | 'conversation';
  /** Whether the shown session takes follow-ups, or is a past session shown read-only. */
  sessionMode: SessionMode;
  /** Records of the shown (stored) session that main could not open and that were set aside. */
  setAsideCount: number;
  /** "Continue this session" is under way (main is resuming the session from its records). */
  resuming: boolean;
  /** Main's session id; null until `turnStarted` (or the first response) names it, and after a failed first turn. */
  sessionId: string | null;
  /** The patient as main holds it (the sent patient until the first response echoes it back). */
  sessionPatient: Patient | null;
  turns: Turn[];
  /** Turns main has answered in this session. */
  turnCount: number;
  /** Model and inference time of the last answer, for the header. */
  lastModel: string | null;
  lastInferenceMs: number | null;
  /** Earlier turns the last answer could not take into account (left out to fit the model's context). */
  lastOmittedTurns: number;
  /** Key of the turn in flight, if any; only one runs at a time. */
  runningTurnKey: string | null;
  /** Stop was pressed for the running turn (the cancel goes out as soon as the session id is known). */
  stopRequested: boolean;
  /** The follow-up being typed. Kept in the store so a failed send gives it back. */
  followUpDraft: string;
  /** Main's last error in the conversation, shown as an alert. */
  conversationError: ErrorPayload | null;

  /** Sends the first turn of a new session for `patient` (already validated by the intake). */
  startSession(patient: Patient): Promise<void>;
  setFollowUpDraft(text: string): void;
  /**
   * Sends the typed follow-up in the current session. When main answers `SESSION_NOT_FOUND` (its live session
   * expired), the session is resumed from the history store and the follow-up sent again — once.
   */
  sendFollowUp(): Promise<void>;
  /**
   * Shows a session read back from the history store (`review`: read-only; `live`: ready for a follow-up, resumed in
   * main when it is needed). Replaces the shown session; the intake form is left as it is.
   */
  showStoredSession(view: StoredSessionView, mode: SessionMode): void;
  /** "Continue this session": main resumes the shown past session from its sealed records; then it takes follow-ups. */
  continueSession(): Promise<boolean>;
  /** Changes whenever the shown session is replaced or discarded (so a slow read can tell it is stale). */
  sessionEpoch(): number;
  /** Asks main to stop the running turn; its answer then resolves as incomplete. */
  stopTurn(): Promise<void>;
  /** Discards the session and every patient detail, back to an empty intake form. */
  newPatient(): void;
  /**
   * Drops every patient detail (intake form, session, turns, drafts, errors) at once, without asking main to stop
   * anything; answers still on their way are then ignored. `alongside` is applied in the same update (the lock
   * sets its state with it, so no render ever shows locked and patient data together).
   */
  clearPatientData(alongside?: Partial<DataOf<AppState>>): void;
  /** Event intake: main accepted a turn and minted its ids. Called by the store's subscription, not by components. */
  receiveTurnStarted(event: TurnStartedEvent): void;
  /** Event intake: a piece of the running answer. Called by the store's subscription, not by components. */
  receiveDelta(event: DeltaEvent): void;
}

/** A session slice with no session. */
export const initialSessionState: Readonly<DataOf<SessionSlice>> = Object.freeze({
  view: 'intake',
  sessionMode: 'live',
  setAsideCount: 0,
  resuming: false,
  sessionId: null,
  sessionPatient: null,
  turns: [],
  turnCount: 0,
  lastModel: null,
  lastInferenceMs: null,
  lastOmittedTurns: 0,
  runningTurnKey: null,
  stopRequested: false,
  followUpDraft: '',
  conversationError: null,
});

/** Answered by "Continue" when there is no history store to read the session from (not in the app). */
const NO_HISTORY: ErrorPayload = { code: 'INTERNAL', message: 'Past sessions cannot be read on this page.' };

// Errors that say the model server may be down: worth refreshing the status line.
const MODEL_SERVER_ERRORS: ReadonlySet<string> = new Set(['LLM_UNAVAILABLE', 'LLM_TIMEOUT']);

/**
 * Builds the session slice over `api`. `history` is the store past sessions are read back from (null: no history,
 * so nothing can be resumed from it).
 */
export function createSessionSlice(api: AppApi, history: HistoryStore | null = null): SliceCreator<SessionSlice> {
  return (set, get) => {
    let keyCounter = 0;
    // Bumped by "New patient": an answer that arrives for a discarded session must not write into the new one.
    let epoch = 0;

    const nextKey = (): string => `turn-${++keyCounter}`;

    const runningTurn = (): Turn | undefined => {
      const { turns, runningTurnKey } = get();
      return runningTurnKey === null ? undefined : turns.find((turn) => turn.key === runningTurnKey);
    };

    const applyResponse = (key: string, response: ProtocolResponse): void => {
      set((state) => ({
        sessionId: response.sessionId,
        sessionPatient: response.patientSummary,
        turns: updateTurn(state.turns, key, (turn) => finishTurn(turn, response)),
        turnCount: response.metadata.conversationCount,
        lastModel: response.metadata.model,
        lastInferenceMs: response.metadata.inferenceTimeMs,
        lastOmittedTurns: response.metadata.historyTrimmed ? response.seq - 1 - response.metadata.historyTurnsIncluded : 0,
        runningTurnKey: null,
        stopRequested: false,
      }));
    };

    const noteModelServerError = (error: ErrorPayload): void => {
      if (MODEL_SERVER_ERRORS.has(error.code)) void get().checkLlmStatus();
      // Main locked and this page missed the event (or it is still on its way): ask, so the lock screen shows.
      if (error.code === 'LOCKED') void get().loadAuth();
    };

    /** Resumes `sessionId` in main from the store's records, for the signed-in clinician. */
    const resumeFromHistory = async (sessionId: string): Promise<ResumeOutcome | null> => {
      const ownerId = get().authState?.profileId ?? null;
      if (history === null || ownerId === null) return null;
      return resumeFromStore(api, history, ownerId, sessionId);
    };

    const sendCancel = async (sessionId: string): Promise<void> => {
      const startedIn = epoch;
      const result = await api.protocol.cancel({ sessionId });
      if (!result.ok && startedIn === epoch) set({ conversationError: result.error });
    };

    return {
      ...initialSessionState,

      async startSession(patient) {
        if (get().runningTurnKey !== null) return;
        const startedIn = ++epoch;
        const key = nextKey();
        set({
          ...initialSessionState,
          view: 'conversation',
          sessionPatient: patient,
          turns: [pendingTurn(key, 'intake', '')],
          runningTurnKey: key,
          intakeError: null,
        });
        const result = await api.protocol.generate({ patient });
        if (startedIn !== epoch) return;
        void get().refreshHistory();
        if (result.ok) {
          applyResponse(key, result.data);
          return;
        }
        // Main drops a session whose first turn failed, so forget its id; the intake form was never cleared,
        // so the clinician is back on it with everything typed and can retry.
        set({ ...initialSessionState, intakeError: result.error });
        noteModelServerError(result.error);
      },

      setFollowUpDraft(text) {
        set({ followUpDraft: text });
      },

      async sendFollowUp() {
        const { sessionId, runningTurnKey, followUpDraft, sessionMode } = get();
        const message = followUpDraft.trim();
        if (sessionId === null || sessionMode !== 'live' || runningTurnKey !== null || message === '') return;
        if (message.length > MAX_MESSAGE_TEXT) {
          set({
            conversationError: {
              code: 'INVALID_INPUT',
              message: `The follow-up is longer than ${MAX_MESSAGE_TEXT} characters; please shorten it.`,
            },
          });
          return;
        }
        const startedIn = epoch;
        const key = nextKey();
        set((state) => ({
          turns: [...state.turns, pendingTurn(key, 'followUp', message)],
          runningTurnKey: key,
          stopRequested: false,
          followUpDraft: '',
          conversationError: null,
        }));
        // Nothing was answered: take the turn back out and give the clinician their text back to retry.
        const giveBack = (error: ErrorPayload | null): void => {
          set((state) => ({
            turns: state.turns.filter((turn) => turn.key !== key),
            runningTurnKey: null,
            stopRequested: false,
            followUpDraft: followUpDraft,
            conversationError: error,
          }));
          if (error !== null) noteModelServerError(error);
        };

        let result = await api.protocol.generate({ sessionId, message });
        if (startedIn !== epoch) return;
        if (!result.ok && result.error.code === 'SESSION_NOT_FOUND') {
          // Main's live session expired: rebuild it from the history store and send the follow-up again — once. The
          // clinician sees only the answer (or, when the session cannot be resumed, why).
          const resumed = await resumeFromHistory(sessionId);
          if (startedIn !== epoch) return;
          if (resumed?.ok && get().stopRequested) {
            // Stopped while the session was being resumed: nothing was asked, so there is nothing to stop or report.
            giveBack(null);
            return;
          }
          if (resumed?.ok) {
            set((state) => ({
              sessionId: resumed.info.sessionId,
              turns: updateTurn(state.turns, key, () => pendingTurn(key, 'followUp', message)),
            }));
            result = await api.protocol.generate({ sessionId: resumed.info.sessionId, message });
            if (startedIn !== epoch) return;
          } else if (resumed?.stored) {
            // Main refused the stored records (the retention period ended, say): its reason is the one that matters.
            result = { ok: false, error: resumed.error };
          }
        }
        void get().refreshHistory();
        if (result.ok) {
          applyResponse(key, result.data);
          return;
        }
        giveBack(result.error);
      },

      showStoredSession(shown, mode) {
        epoch++;
        set({
          ...initialSessionState,
          view: 'conversation',
          sessionMode: mode,
          sessionId: shown.sessionId,
          sessionPatient: shown.patient,
          turns: shown.turns,
          turnCount: shown.turnCount,
          lastModel: shown.lastModel,
          lastInferenceMs: shown.lastInferenceMs,
          lastOmittedTurns: shown.lastOmittedTurns,
          setAsideCount: shown.setAsideCount,
        });
      },

      async continueSession() {
        const { sessionId, sessionMode, resuming } = get();
        if (sessionId === null || sessionMode !== 'review' || resuming) return false;
        const startedIn = epoch;
        set({ resuming: true, conversationError: null });
        const outcome = (await resumeFromHistory(sessionId)) ?? { ok: false as const, error: NO_HISTORY, stored: false };
        if (startedIn !== epoch) return false;
        if (outcome.ok) {
          set({ sessionMode: 'live', sessionId: outcome.info.sessionId, turnCount: outcome.info.conversationCount, resuming: false });
          return true;
        }
        set({ resuming: false, conversationError: outcome.error });
        noteModelServerError(outcome.error);
        return false;
      },

      sessionEpoch() {
        return epoch;
      },

      async stopTurn() {
        const { runningTurnKey, stopRequested, sessionId } = get();
        if (runningTurnKey === null || stopRequested) return;
        set({ stopRequested: true });
        // Before `turnStarted` the session id is unknown; receiveTurnStarted sends the cancel when it arrives.
        if (sessionId !== null) await sendCancel(sessionId);
      },

      newPatient() {
        const { runningTurnKey, sessionId } = get();
        // Do not leave the model working on a patient the clinician has discarded.
        if (runningTurnKey !== null && sessionId !== null) void api.protocol.cancel({ sessionId });
        get().clearPatientData();
      },

      clearPatientData(alongside = {}) {
        epoch++;
        set({ ...initialSessionState, ...initialIntakeState, ...alongside });
      },

      receiveTurnStarted(event) {
        const turn = runningTurn();
        // Only the turn this page is waiting for: not one already named, nor a turn of some other session.
        if (turn === undefined || turn.turnId !== null) return;
        const { sessionId, stopRequested } = get();
        if (sessionId !== null && !sameId(sessionId, event.sessionId)) return;
        set((state) => ({
          sessionId: event.sessionId,
          turns: updateTurn(state.turns, turn.key, (current) => ({ ...current, turnId: event.turnId, seq: event.seq })),
        }));
        if (stopRequested) void sendCancel(event.sessionId);
      },

      receiveDelta(event) {
        const turn = runningTurn();
        if (turn === undefined || !sameId(turn.turnId, event.turnId)) return;
        set((state) => ({ turns: updateTurn(state.turns, turn.key, (current) => appendDelta(current, event)) }));
      },
    };
  };
}
