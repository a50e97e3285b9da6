/**
 * The running session: its turns, the answer streaming in, the follow-up being typed, and the actions that start,
 * continue, stop and discard it. Main owns the session; this slice mirrors what the clinician needs to see.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { ErrorPayload } from '../../../shared/errors';
import { MAX_MESSAGE_TEXT, type Patient } from '../../../shared/patient';
import type { DeltaEvent, ProtocolResponse, TurnStartedEvent } from '../../../shared/protocol';
import { initialIntakeState } from './intakeSlice';
import { appendDelta, finishTurn, pendingTurn, sameId, updateTurn, type Turn } from './turns';
import type { AppState, DataOf, SliceCreator } from './types';

/** Session data and actions. */
export interface SessionSlice {
  /** Which screen shows: the intake form, or the session once a first turn is under way. */
  view: 'intake' | 'conversation';
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
  /** Sends the typed follow-up in the current session. */
  sendFollowUp(): Promise<void>;
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

// Errors that say the model server may be down: worth refreshing the status line.
const MODEL_SERVER_ERRORS: ReadonlySet<string> = new Set(['LLM_UNAVAILABLE', 'LLM_TIMEOUT']);

/** Builds the session slice over `api`. */
export function createSessionSlice(api: AppApi): SliceCreator<SessionSlice> {
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
        const { sessionId, runningTurnKey, followUpDraft } = get();
        const message = followUpDraft.trim();
        if (sessionId === null || runningTurnKey !== null || message === '') return;
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
        const result = await api.protocol.generate({ sessionId, message });
        if (startedIn !== epoch) return;
        if (result.ok) {
          applyResponse(key, result.data);
          return;
        }
        // Nothing was answered: take the turn back out and give the clinician their text back to retry.
        set((state) => ({
          turns: state.turns.filter((turn) => turn.key !== key),
          runningTurnKey: null,
          stopRequested: false,
          followUpDraft: followUpDraft,
          conversationError: result.error,
        }));
        noteModelServerError(result.error);
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
