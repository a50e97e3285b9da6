/**
 * The running session: its turns, the answer streaming in, the follow-up being typed, and the actions that start,
 * continue, stop and discard it. Main owns the session; this slice mirrors what the clinician needs to see.
 */
import type { AppApi } from '../../../preload/apiTypes';
import type { ErrorPayload, Result } from '../../../shared/errors';
import { MAX_MESSAGE_TEXT, type Patient } from '../../../shared/patient';
import type { DeltaEvent, ProtocolResponse, TurnMetadata, TurnStartedEvent } from '../../../shared/protocol';
import type { HistoryStore } from './history/historyStore';
import { resumeFromStore, type ResumeOutcome } from './history/resumeFromStore';
import type { StoredFork, StoredSessionView } from './history/storedSessionView';
import { summariseShown, type SessionState } from './history/turnSummary';
import { leavingLosesUnkeptSession, type PendingDiscard } from './history/unkeptSessionGuard';
import { initialIntakeState } from './intakeSlice';
import { answersOf, appendDelta, finishTurn, pendingTurn, regeneratingTurn, sameId, showAnswer, updateTurn, type Turn, type TurnAnswer } from './turns';
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
  /**
   * Records of the shown (stored) session older than the version main last sealed (a rollback): not shown, so the
   * session is flagged with an integrity warning.
   */
  rolledBackCount: number;
  /** "Continue this session" is under way (main is resuming the session from its records). */
  resuming: boolean;
  /** Main's session id; null until `turnStarted` (or the first response) names it, and after a failed first turn. */
  sessionId: string | null;
  /** The patient as main holds it (the sent patient until the first response echoes it back). */
  sessionPatient: Patient | null;
  turns: Turn[];
  /**
   * The session's turns, as history/turnSummary.ts counts them (the sidebar row counts the same way): questions sent
   * and not failed, the one being answered included. Derived from `turns` (and `fork`, `lastSendFailed`) on every
   * change; never set on its own.
   */
  turnCount: number;
  /** The latest question's state (history/turnSummary.ts); null before the first. Derived like `turnCount`. */
  sessionState: SessionState | null;
  /** The latest follow-up failed and its text was handed back to the clinician (the session's state is "Failed"). */
  lastSendFailed: boolean;
  /** The patient declined storage: main keeps nothing of this session (chosen at intake). */
  sessionNotKept: boolean;
  /** When main opened the session (ISO), once known. */
  sessionCreatedAt: string | null;
  /** Model, endpoint and inference time of the last answer shown, for the header. */
  lastModel: string | null;
  lastEndpoint: string | null;
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
  /**
   * The shown session was continued on two workstations while they could not sync: its branches, and the one the
   * clinician chose to go on from (see history/storedSessionView.ts). Null for a conversation in one line.
   */
  fork: StoredFork | null;
  /**
   * An action that would discard the shown "Do not keep" session, held until the clinician confirms it
   * ({@link SessionSlice.confirmDiscard}) or stays ({@link SessionSlice.cancelDiscard}); null when nothing is asked.
   */
  pendingDiscard: PendingDiscard | null;

  /**
   * Sends the first turn of a new session for `patient` (already validated by the intake). `doNotKeep`: the patient
   * declined storage, so main keeps the session in memory only and never writes it.
   */
  startSession(patient: Patient, options?: { doNotKeep?: boolean }): Promise<void>;
  /**
   * Asks main for another answer to the latest turn's message. The shown answer stays as a sibling the clinician can
   * switch back to; the new one becomes the answer the next follow-up builds on.
   */
  regenerateAnswer(): Promise<void>;
  /**
   * Shows answer `turnId` (a sibling) of the turn `turnKey`. For the latest turn of a live session main is told
   * (`protocol.selectAnswer`), so the next follow-up builds on the answer on screen; if main refuses, the view
   * goes back to the answer main holds and says why. Elsewhere it only changes what is shown.
   */
  selectAnswer(turnKey: string, turnId: string): Promise<void>;
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
  /**
   * Discards the session and every patient detail, back to an empty intake form. A "Do not keep" session with a turn
   * is not discarded yet: the action is held in `pendingDiscard` and the page asks first.
   */
  newPatient(): void;
  /** The clinician confirmed: the held action goes on, discarding the session not kept. */
  confirmDiscard(): void;
  /** The clinician stays: the held action is dropped, the session stays on screen as it was. */
  cancelDiscard(): void;
  /**
   * Drops the shown session and the intake form at once, without asking main to stop anything; answers still on
   * their way are then ignored. `alongside` is applied in the same update. "New patient" uses it alone; a lock goes
   * through `clearPatientData` (patientData.ts), which passes everything else a lock clears as `alongside`.
   */
  discardSession(alongside?: Partial<DataOf<AppState>>): void;
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
  rolledBackCount: 0,
  resuming: false,
  sessionId: null,
  sessionPatient: null,
  turns: [],
  turnCount: 0,
  sessionState: null,
  lastSendFailed: false,
  sessionNotKept: false,
  sessionCreatedAt: null,
  lastModel: null,
  lastEndpoint: null,
  lastInferenceMs: null,
  lastOmittedTurns: 0,
  runningTurnKey: null,
  stopRequested: false,
  followUpDraft: '',
  conversationError: null,
  fork: null,
  pendingDiscard: null,
});

/** Why a follow-up cannot go on once a session that was not kept has left main's memory. */
const NOT_KEPT_GONE: ErrorPayload = {
  code: 'SESSION_NOT_FOUND',
  message: 'This session was not kept (the patient declined storage) and is no longer in the app’s memory. Start a new session.',
};

/** The header's facts about the latest answer (turn `seq`). */
function headerFacts(seq: number, metadata: TurnMetadata): Pick<SessionSlice, 'lastModel' | 'lastEndpoint' | 'lastInferenceMs' | 'lastOmittedTurns'> {
  return {
    lastModel: metadata.model,
    lastEndpoint: metadata.endpoint,
    lastInferenceMs: metadata.inferenceTimeMs,
    lastOmittedTurns: metadata.historyTrimmed ? Math.max(0, seq - 1 - metadata.historyTurnsIncluded) : 0,
  };
}

/** Of a turn's answers, the one written last (the last listed when times are unknown). */
function newestWritten(answers: readonly TurnAnswer[]): TurnAnswer | undefined {
  return answers.reduce<TurnAnswer | undefined>((kept, answer) => (kept === undefined || (answer.writtenAt ?? '') >= (kept.writtenAt ?? '') ? answer : kept), undefined);
}

/** Answered by "Continue" when there is no history store to read the session from (not in the app). */
const NO_HISTORY: ErrorPayload = { code: 'INTERNAL', message: 'Past sessions cannot be read on this page.' };

// Errors of the model call itself: main had stored the question by then and records it as failed (the row says so).
const QUESTION_RECORDED_AS_FAILED: ReadonlySet<string> = new Set(['LLM_UNAVAILABLE', 'LLM_TIMEOUT', 'CONTEXT_TOO_LONG', 'INTERNAL']);

// Errors that say the model server may be down: worth refreshing the status line.
const MODEL_SERVER_ERRORS: ReadonlySet<string> = new Set(['LLM_UNAVAILABLE', 'LLM_TIMEOUT']);

/**
 * Builds the session slice over `api`. `history` is the store past sessions are read back from (null: no history,
 * so nothing can be resumed from it).
 */
export function createSessionSlice(api: AppApi, history: HistoryStore | null = null): SliceCreator<SessionSlice> {
  return (rawSet, get) => {
    // Every update of this slice goes through here, so the counts shown are always those of the turns shown.
    const set = (partial: Partial<AppState> | ((state: AppState) => Partial<AppState>)): void => {
      rawSet((state) => {
        const changes = typeof partial === 'function' ? partial(state) : partial;
        return { ...changes, ...summariseShown({ ...state, ...changes }) };
      });
    };
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
        ...headerFacts(response.seq, response.metadata),
        runningTurnKey: null,
        stopRequested: false,
      }));
    };

    /** When main opened the session, for the header; best effort (the header shows a dash without it). */
    const learnCreatedAt = async (sessionId: string, startedIn: number): Promise<void> => {
      const info = await api.sessions.get({ sessionId }).catch(() => null);
      if (info?.ok && startedIn === epoch && get().sessionCreatedAt === null) set({ sessionCreatedAt: info.data.createdAt });
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
      // A forked session goes on along the line on screen — the branch the clinician chose, or, when a pull forked the
      // live view, this workstation's own line (main's default would be the most recently used: maybe the other's).
      const branchTurnId = get().fork != null ? ([...get().turns].reverse().find((turn) => turn.turnId !== null)?.turnId ?? null) : null;
      return resumeFromStore(api, history, ownerId, sessionId, branchTurnId);
    };

    /**
     * Calls `call` on the live session; when main answers SESSION_NOT_FOUND (its live session expired) the session is
     * resumed from the history store and `call` made again — once — so the clinician sees only the outcome. A session
     * not kept cannot be resumed (NOT_KEPT_GONE); when main refuses the stored records, its reason is the answer.
     * `'stale'`: the page moved on meanwhile; `'stopped'`: Stop was pressed while resuming, so nothing was asked.
     * `onResumed` runs between the resume and the second call.
     */
    const callResuming = async <T>(
      sessionId: string,
      call: (liveSessionId: string) => Promise<Result<T>>,
      onResumed: (liveSessionId: string) => void = () => undefined,
    ): Promise<Result<T> | 'stale' | 'stopped'> => {
      const startedIn = epoch;
      const first = await call(sessionId);
      if (startedIn !== epoch) return 'stale';
      if (first.ok || first.error.code !== 'SESSION_NOT_FOUND') return first;
      if (get().sessionNotKept) return { ok: false, error: NOT_KEPT_GONE };
      const resumed = await resumeFromHistory(sessionId);
      if (startedIn !== epoch) return 'stale';
      if (resumed?.ok) {
        if (get().stopRequested) return 'stopped';
        onResumed(resumed.info.sessionId);
        const again = await call(resumed.info.sessionId);
        return startedIn !== epoch ? 'stale' : again;
      }
      // Main refused the stored records (the retention period ended, say): its reason is the one that matters.
      return resumed?.stored ? { ok: false, error: resumed.error } : first;
    };

    // Do not leave the model working on a patient the clinician has discarded.
    const stopModelWork = (): void => {
      const { runningTurnKey, sessionId } = get();
      if (runningTurnKey !== null && sessionId !== null) void api.protocol.cancel({ sessionId });
    };

    const sendCancel = async (sessionId: string): Promise<void> => {
      const startedIn = epoch;
      const result = await api.protocol.cancel({ sessionId });
      if (!result.ok && startedIn === epoch) set({ conversationError: result.error });
    };

    return {
      ...initialSessionState,

      async startSession(patient, options = {}) {
        if (get().runningTurnKey !== null) return;
        const startedIn = ++epoch;
        const key = nextKey();
        const doNotKeep = options.doNotKeep === true;
        set({
          ...initialSessionState,
          view: 'conversation',
          sessionPatient: patient,
          sessionNotKept: doNotKeep,
          turns: [pendingTurn(key, 'intake', '')],
          runningTurnKey: key,
          intakeError: null,
          // The model main asks, as its status line last reported it, until the answer names the one that answered.
          lastModel: get().llmStatus?.model ?? null,
        });
        const result = await api.protocol.generate(doNotKeep ? { patient, doNotKeep } : { patient });
        if (startedIn !== epoch) return;
        if (!doNotKeep) void get().refreshHistory();
        if (result.ok) {
          applyResponse(key, result.data);
          void learnCreatedAt(result.data.sessionId, startedIn);
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
          lastSendFailed: false,
        }));
        // Nothing was answered: take the turn back out and give the clinician their text back to retry.
        const giveBack = (error: ErrorPayload | null): void => {
          set((state) => ({
            turns: state.turns.filter((turn) => turn.key !== key),
            runningTurnKey: null,
            stopRequested: false,
            followUpDraft: followUpDraft,
            conversationError: error,
            lastSendFailed: error !== null && QUESTION_RECORDED_AS_FAILED.has(error.code),
          }));
          if (error !== null) noteModelServerError(error);
        };

        const result = await callResuming(
          sessionId,
          (live) => api.protocol.generate({ sessionId: live, message }),
          (live) => set((state) => ({ sessionId: live, turns: updateTurn(state.turns, key, () => pendingTurn(key, 'followUp', message)) })),
        );
        if (result === 'stale' || startedIn !== epoch) return;
        if (result === 'stopped') {
          // Stopped while the session was being resumed: nothing was asked, so there is nothing to stop or report.
          giveBack(null);
          return;
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
          lastModel: shown.lastModel,
          lastEndpoint: shown.turns.at(-1)?.metadata?.endpoint ?? null,
          sessionCreatedAt: shown.createdAt ?? null,
          lastInferenceMs: shown.lastInferenceMs,
          lastOmittedTurns: shown.lastOmittedTurns,
          setAsideCount: shown.setAsideCount,
          rolledBackCount: shown.rolledBackCount,
          fork: shown.fork ?? null,
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
          // Main resumes the latest turn with its most recently written answer: show that one (the clinician may have
          // browsed to another while reviewing), so the next follow-up builds on the answer on screen.
          set((state) => {
            const last = state.turns.at(-1);
            const newest = last === undefined ? undefined : newestWritten(answersOf(last));
            const turns = last && newest ? updateTurn(state.turns, last.key, (turn) => showAnswer(turn, newest.turnId)) : state.turns;
            return { sessionMode: 'live', sessionId: outcome.info.sessionId, resuming: false, turns };
          });
          return true;
        }
        set({ resuming: false, conversationError: outcome.error });
        noteModelServerError(outcome.error);
        return false;
      },

      async regenerateAnswer() {
        const { sessionId, runningTurnKey, sessionMode, turns } = get();
        const last = turns.at(-1);
        if (sessionId === null || sessionMode !== 'live' || runningTurnKey !== null || last?.turnId == null || last.status === 'streaming') return;
        const startedIn = epoch;
        const turnId = last.turnId;
        set((state) => ({
          turns: updateTurn(state.turns, last.key, regeneratingTurn),
          lastSendFailed: false,
          runningTurnKey: last.key,
          stopRequested: false,
          conversationError: null,
        }));
        const result = await callResuming(sessionId, (live) => api.protocol.regenerate({ sessionId: live, turnId }));
        if (result === 'stale' || startedIn !== epoch) return;
        if (!get().sessionNotKept) void get().refreshHistory();
        if (result !== 'stopped' && result.ok) {
          applyResponse(last.key, result.data);
          return;
        }
        // Nothing new was answered (or Stop came while resuming): the turn shows what it showed before.
        const error = result === 'stopped' ? null : result.error;
        set((state) => ({ turns: updateTurn(state.turns, last.key, () => last), runningTurnKey: null, stopRequested: false, conversationError: error }));
        if (error !== null) noteModelServerError(error);
      },

      async selectAnswer(turnKey, turnId) {
        const { turns, sessionId, sessionMode, runningTurnKey } = get();
        const turn = turns.find((candidate) => candidate.key === turnKey);
        if (turn === undefined || runningTurnKey !== null || sameId(turn.turnId, turnId)) return;
        const isLatest = turns.at(-1)?.key === turnKey;
        const show = (shown: Turn): void => {
          const shownAnswer = answersOf(shown).find((answer) => sameId(answer.turnId, shown.turnId ?? ''));
          set((state) => ({
            turns: updateTurn(state.turns, turnKey, () => shown),
            ...(isLatest && shownAnswer?.metadata && shown.seq !== null ? headerFacts(shown.seq, shownAnswer.metadata) : {}),
          }));
        };
        show(showAnswer(turn, turnId));
        if (!isLatest || sessionMode !== 'live' || sessionId === null) return;
        // After main's live session expired, resumed (every answer of the latest turn comes back) and chosen again.
        const result = await callResuming(sessionId, (live) => api.protocol.selectAnswer({ sessionId: live, turnId }));
        if (result === 'stale' || result === 'stopped' || result.ok) return;
        // Main still builds on the answer it holds: show that one again, and why.
        show(turn);
        set({ conversationError: result.error });
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
        if (leavingLosesUnkeptSession(get())) {
          set({ pendingDiscard: { kind: 'newPatient' } });
          return;
        }
        stopModelWork();
        get().discardSession();
      },

      confirmDiscard() {
        const pending = get().pendingDiscard;
        if (pending === null) return;
        set({ pendingDiscard: null });
        stopModelWork();
        if (pending.kind === 'newPatient') get().discardSession();
        else void get().openStoredSession(pending.sessionId, pending.mode, { discardConfirmed: true });
      },

      cancelDiscard() {
        set({ pendingDiscard: null });
      },

      discardSession(alongside = {}) {
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
        // Main has opened the session: its creation time can be shown while the first answer streams.
        if (get().sessionCreatedAt === null) void learnCreatedAt(event.sessionId, epoch);
      },

      receiveDelta(event) {
        const turn = runningTurn();
        if (turn === undefined || !sameId(turn.turnId, event.turnId)) return;
        set((state) => ({ turns: updateTurn(state.turns, turn.key, (current) => appendDelta(current, event)) }));
      },
    };
  };
}
