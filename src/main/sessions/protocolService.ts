import type { EventName, EventPayload, ParsedInput } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { mergePatient, Patient, type PatientUpdate } from '../../shared/patient';
import type { ProtocolResponse } from '../../shared/protocol';
import { historyAnswerText, turnUserText } from '../llm/buildPrompt';
import type { LlmClient, StreamChatResult } from '../llm/llmClient';
import { errorKind, type Logger } from '../core/logger';
import { sleepOn, type Clock } from '../core/clock';
import type { ModelRequestLimiter } from './modelRequestLimiter';
import type { PromptAssembler, PromptPlan } from '../llm/promptAssembler';
import type { RecordedTurn, TurnOutcome, TurnRecorder } from './turnRecorder';
import type { LatestAnswer, Session, TurnRecord } from './session';
import type { IdSource, SessionStore } from './sessionStore';
import { closedSessionError, closureOf } from './turnStop';

/** Who asked for a turn, and how to reach their page. */
export interface TurnCaller {
  readonly ownerId: string;
  readonly senderId: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): boolean;
}

/** Sampling settings a turn is generated with. */
export interface GenerationSettings {
  readonly temperature: number;
  readonly maxOutputTokens: number;
}

/** What the protocol service needs. */
export interface ProtocolServiceDeps {
  readonly store: SessionStore;
  readonly llm: LlmClient;
  readonly limiter: ModelRequestLimiter;
  readonly assembler: PromptAssembler;
  readonly resolveModel: () => Promise<string>;
  readonly generation: GenerationSettings;
  /** How long a turn waits behind its session's earlier turns before `SESSION_BUSY`. */
  readonly queueWaitMs: number;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
  /** Keeps each turn, sealed, in the page's store; absent for sessions kept in memory only. */
  readonly recorder?: TurnRecorder;
  /**
   * Hears that a session the patient declined storage for was opened (it has no record, so the recorder never sees
   * it — but it is audited like any other session).
   */
  readonly unkeptSessionStarted?: (sessionId: string, ownerId: string) => void;
}

const CLOSING_MESSAGE = 'The app is closing; this message was not sent.';
const NOT_LATEST_REGENERATE_MESSAGE =
  'Only the latest answer of a session can be regenerated: later turns were built on the earlier ones.';

/** One turn to ask: the message, the history before it, and whether it answers an earlier turn again. */
interface TurnRequest {
  readonly session: Session;
  readonly seq: number;
  readonly userText: string;
  /** The patient as of this turn. */
  readonly patient: Patient;
  /** The exchanges before this turn's message (for a regenerated answer: all but the latest). */
  readonly history: readonly TurnRecord[];
  /** The answer this turn asks for again (regenerate), or null for a new turn. */
  readonly parentTurnId: string | null;
}

/**
 * Runs protocol turns: opens a session on the first turn, sends as much of the conversation as fits with each
 * follow-up, streams the answer to the page that asked, and records the turn.
 *
 * Concurrency: turns of one session run one at a time in arrival order (its {@link TurnQueue}, bounded wait);
 * model requests across sessions share a fair global limit ({@link ModelRequestLimiter}), always taken after
 * the session lock. Patient updates are applied only when the turn is recorded, so a failed follow-up changes
 * nothing and can simply be sent again.
 */
export class ProtocolService {
  readonly #inFlight = new Set<Promise<unknown>>();
  #accepting = true;

  constructor(private readonly deps: ProtocolServiceDeps) {}

  /** Generates one turn; resolves once the answer is complete, cut or cancelled (every delta already emitted). */
  async generate(input: ParsedInput<'protocol.generate'>, caller: TurnCaller): Promise<ProtocolResponse> {
    if (!this.#accepting) throw new AppError('INTERNAL', CLOSING_MESSAGE);
    const { store } = this.deps;
    const isFirstTurn = input.sessionId === undefined;
    const session = isFirstTurn
      ? store.create(caller.ownerId, Patient.parse(input.patient), { doNotKeep: input.doNotKeep === true })
      : store.get(input.sessionId as string, caller.ownerId);
    if (isFirstTurn && session.doNotKeep) this.deps.unkeptSessionStarted?.(session.id, session.ownerId);
    store.touch(session);
    return this.#track(
      this.#queueTurn(session, caller, isFirstTurn, () =>
        this.#runTurn(
          {
            session,
            // After a resume of a very long session only its newest turns come back: number on from the latest turn's
            // stored seq, never from how many turns are in memory (a reused seq would read as another answer to it).
            seq: Math.max(session.turns.length, session.latest?.seq ?? 0) + 1,
            userText: turnUserText(input.message, isFirstTurn ? [] : changedFieldNames(input.patient), isFirstTurn),
            patient: isFirstTurn ? session.patient : mergePatient(session.patient, input.patient),
            history: session.turns,
            parentTurnId: null,
          },
          caller,
        ),
      ),
    );
  }

  /**
   * Asks the model again for the latest turn's message, with the same history and patient. The new answer is a
   * sibling of `turnId` (same seq, its own turn id, recorded with `parentTurnId`) and becomes the live answer — the
   * one the next follow-up builds on. Only the latest turn can be regenerated: later turns built on earlier answers.
   */
  async regenerate(input: ParsedInput<'protocol.regenerate'>, caller: TurnCaller): Promise<ProtocolResponse> {
    if (!this.#accepting) throw new AppError('INTERNAL', CLOSING_MESSAGE);
    const { store } = this.deps;
    const session = store.get(input.sessionId, caller.ownerId);
    store.touch(session);
    return this.#track(
      this.#queueTurn(session, caller, false, () => {
        // Checked once the session's earlier turns are done: a follow-up queued before this may have moved on.
        const latest = session.latest;
        const answer = latest?.answers.get(input.turnId);
        if (!latest || !answer) throw new AppError('INVALID_INPUT', NOT_LATEST_REGENERATE_MESSAGE);
        return this.#runTurn(
          {
            session,
            seq: latest.seq,
            userText: answer.record.userText,
            patient: latest.patient,
            history: session.turns.slice(0, -1),
            parentTurnId: input.turnId,
          },
          caller,
        );
      }),
    );
  }

  /**
   * Makes `turnId` — one of the latest turn's answers — the live answer, the one the next follow-up builds on (the
   * clinician switched back to it). For a kept session its record is sealed again with a newer `updatedAt`, so that
   * history (review, and a later resume) takes the same answer. `SESSION_BUSY` while a turn runs or waits.
   */
  async selectAnswer(input: ParsedInput<'protocol.selectAnswer'>, caller: TurnCaller): Promise<{ turnId: string }> {
    const { store } = this.deps;
    const session = store.get(input.sessionId, caller.ownerId);
    if (session.activeTurn !== null || session.queue.busy) {
      throw new AppError('SESSION_BUSY', 'An answer is being written in this session; switch answers once it is done.');
    }
    const latest = session.latest;
    const answer = latest?.answers.get(input.turnId);
    if (!latest || !answer) throw new AppError('INVALID_INPUT', 'Only an answer of the session’s latest turn can be chosen.');
    store.touch(session);
    if (latest.liveTurnId === answer.turnId) return { turnId: answer.turnId };
    latest.liveTurnId = answer.turnId;
    session.turns[session.turns.length - 1] = answer.record;
    const recorder = session.doNotKeep ? undefined : this.deps.recorder;
    if (recorder && answer.outcome) {
      const { turnId, startedAt, parentTurnId, record, outcome } = answer;
      const previousTurnId = session.turns.at(-2)?.turnId ?? null;
      await recorder.finish({ session, turnId, seq: latest.seq, startedAt, userText: record.userText, patient: latest.patient, caller, parentTurnId, previousTurnId }, outcome);
    } else if (recorder) {
      // Restored from history without its outcome: the choice holds for this live session only.
      this.deps.logger.warn('history.select-not-resealed', {});
    }
    return { turnId: answer.turnId };
  }

  /**
   * Stops the turn running in `sessionId` if the calling page started it (a page never stops another page's
   * turn). The generate call then resolves with the partial answer. False when there is no such turn.
   */
  cancel(sessionId: string, ownerId: string, senderId: string): boolean {
    const session = this.deps.store.get(sessionId, ownerId);
    if (!session.activeTurn || session.activeTurn.senderId !== senderId) return false;
    session.activeTurn.abort.abort();
    return true;
  }

  /**
   * Resolves once every turn running or queued now has settled — each stopped turn having sealed what was written
   * (the lock waits on this, bounded, before it drops the keys).
   */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Graceful shutdown: refuses new turns, lets running ones finish for up to `graceMs`, cancels the rest (their
   * partial answers are kept), waits for them to settle, then stops the session timer.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.#accepting = false;
    const pending = [...this.#inFlight];
    const settled = Promise.allSettled(pending).then(() => 'settled' as const);
    const outcome = await Promise.race([settled, sleepOn(this.deps.clock, graceMs).then(() => 'timeout' as const)]);
    if (outcome === 'timeout') {
      for (const session of this.deps.store.all()) session.activeTurn?.abort.abort();
      await settled;
    }
    this.deps.store.dispose();
  }

  /** Keeps `turn` among the in-flight turns shutdown waits for, until it settles. */
  async #track(turn: Promise<ProtocolResponse>): Promise<ProtocolResponse> {
    this.#inFlight.add(turn);
    try {
      return await turn;
    } finally {
      this.#inFlight.delete(turn);
    }
  }

  /** Runs `run` under the session's lock (arrival order, bounded wait). `run` builds the request once it holds it. */
  async #queueTurn(session: Session, caller: TurnCaller, isFirstTurn: boolean, run: () => Promise<ProtocolResponse>): Promise<ProtocolResponse> {
    const { store } = this.deps;
    let release;
    try {
      release = await session.queue.acquire(this.deps.queueWaitMs);
    } finally {
      store.turnSettled();
    }
    try {
      if (!this.#accepting) throw new AppError('INTERNAL', CLOSING_MESSAGE);
      // The profile may have locked, or the session been deleted, while this turn waited: it never reaches the model.
      if (session.closed) throw closedSessionError(session.closed);
      store.get(session.id, caller.ownerId);
      return await run();
    } catch (error) {
      // The clinician never saw a session whose first turn failed: forget it; the form keeps their input.
      if (isFirstTurn) store.forget(session.id);
      this.deps.logger.warn('turn.failed', { kind: errorKind(error), code: error instanceof AppError ? error.code : null });
      throw error;
    } finally {
      release();
      store.turnSettled();
    }
  }

  async #runTurn(request: TurnRequest, caller: TurnCaller): Promise<ProtocolResponse> {
    const { session, seq, userText, patient, parentTurnId } = request;
    const turnId = this.deps.newId();
    const abort = new AbortController();
    // A session the patient declined storage for is never sealed or delivered: no record, so no session key either.
    const recorder = session.doNotKeep ? undefined : this.deps.recorder;
    session.activeTurn = { turnId, seq, senderId: caller.senderId, abort };
    try {
      caller.emit('protocol.turnStarted', { sessionId: session.id, turnId, seq });
      // What the turn goes on from: the last exchange of the history it is asked with (a branch chosen at resume).
      const previousTurnId = request.history.at(-1)?.turnId ?? null;
      const recorded: RecordedTurn = { session, turnId, seq, startedAt: this.deps.clock.now(), userText, patient, caller, parentTurnId, previousTurnId };
      // The clinician's message is stored before the model is asked, so nothing typed is lost to a crash. A
      // regenerated answer adds nothing typed: it is recorded when it ends, and a failed attempt records nothing, so
      // the stored answers stay as they were.
      if (parentTurnId === null) await recorder?.begin(recorded);
      else await recorder?.confirmKept(recorded);
      let response: ProtocolResponse;
      try {
        response = await this.#answerTurn(request, recorded, abort, recorder);
      } catch (error) {
        if (parentTurnId === null) await recorder?.finish(recorded, { answerText: '', status: 'error', incompleteReason: null, metadata: null });
        throw error;
      }
      // The page that asked is locked (it holds no patient data now) or the session is gone: what was written is kept
      // (locked) or discarded (deleted), and the answer is not handed over.
      if (session.closed) throw closedSessionError(session.closed);
      return response;
    } finally {
      session.activeTurn = null;
    }
  }

  /** Asks the model, records the exchange in the session's history, and builds the response. */
  async #answerTurn(request: TurnRequest, recorded: RecordedTurn, abort: AbortController, recorder: TurnRecorder | undefined): Promise<ProtocolResponse> {
    const { clock, assembler } = this.deps;
    const { session, seq, userText, patient, history, parentTurnId } = request;
    const { turnId, caller } = recorded;
    const model = await this.deps.resolveModel();
    let index = 0;
    const onDelta = (delta: string): void => {
      caller.emit('protocol.delta', { sessionId: session.id, turnId, index: index++, delta });
    };
    const { plan, result, inferenceTimeMs } = await this.#callModel(session, history, { model, patient, userText, abort, onDelta });
    if (result.promptTokens !== null) assembler.observeUsage(model, plan.estimatedPromptTokens, result.promptTokens, plan.messages.length);
    // Stopped by a lock rather than by the clinician: the partial answer is kept and says why it ended.
    const incompleteReason = result.end === 'stop' ? null : result.end === 'cancelled' && closureOf(abort.signal) === 'locked' ? 'locked' : result.end;
    const status = incompleteReason === null ? 'complete' : 'incomplete';
    const answerForHistory = historyAnswerText(result.text);
    const record: TurnRecord = { userText, answerText: result.text, tokens: assembler.estimateExchange(model, userText, answerForHistory), turnId };
    // The exact count needs a server round trip; the clinician should not wait for it. Until it lands, the
    // (higher) estimate stands in, which can only make the next window more cautious.
    void assembler.countExchange(model, userText, answerForHistory).then(
      (exact) => (record.tokens = exact),
      () => undefined,
    );
    session.patient = patient;
    session.windowStart = plan.windowStart;
    // A regenerated answer takes the place of the live one in the history; the one it replaces stays a sibling.
    if (parentTurnId === null) session.turns.push(record);
    else session.turns[session.turns.length - 1] = record;
    this.deps.logger.info('turn.finished', { seq, status, reason: incompleteReason, trimmed: plan.trimmed, regenerated: parentTurnId !== null });
    const response: ProtocolResponse = {
      sessionId: session.id,
      turnId,
      seq,
      protocol: result.text,
      patientSummary: patient,
      metadata: {
        inferenceTimeMs,
        model: result.model,
        endpoint: result.endpoint,
        temperature: this.deps.generation.temperature,
        maxTokens: this.deps.generation.maxOutputTokens,
        conversationCount: session.turns.length,
        promptTokens: result.promptTokens,
        completionTokens: result.completionTokens,
        historyTurnsIncluded: plan.includedTurns,
        historyTrimmed: plan.trimmed,
      },
      timestamp: clock.now().toISOString(),
      status,
      incompleteReason,
    };
    const outcome: TurnOutcome = { answerText: result.text, status, incompleteReason, metadata: response.metadata };
    const answer: LatestAnswer = { turnId, record, startedAt: recorded.startedAt, parentTurnId, outcome };
    if (parentTurnId === null || session.latest === null) {
      session.latest = { seq, patient, answers: new Map([[turnId, answer]]), liveTurnId: turnId };
    } else {
      session.latest.answers.set(turnId, answer);
      session.latest.liveTurnId = turnId;
    }
    await recorder?.finish(recorded, outcome);
    return response;
  }

  /**
   * Plans the prompt and asks the model, inside the global request limit. When the server says the context is
   * exceeded (our count was low), the window shrinks by one more block and the request is tried once more.
   */
  async #callModel(
    session: Session,
    history: readonly TurnRecord[],
    turn: { model: string; patient: Patient; userText: string; abort: AbortController; onDelta: (delta: string) => void },
  ): Promise<{ plan: PromptPlan; result: StreamChatResult; inferenceTimeMs: number }> {
    const { assembler, clock, limiter, llm } = this.deps;
    for (let extraBlocks = 0; ; extraBlocks += 1) {
      const plan = await assembler.plan({ ...turn, turns: history, windowStart: Math.min(session.windowStart, history.length), extraBlocks });
      let releaseSlot;
      try {
        releaseSlot = await limiter.acquire(turn.abort.signal);
      } catch {
        // Stopped while waiting for a free model slot: nothing was sent, nothing streamed.
        const result: StreamChatResult = { text: '', end: 'cancelled', promptTokens: null, completionTokens: null, model: turn.model, endpoint: llm.endpoint };
        return { plan, result, inferenceTimeMs: 0 };
      }
      const startedAt = clock.monotonicMs();
      try {
        const result = await llm.streamChat({
          model: turn.model,
          messages: plan.messages,
          temperature: this.deps.generation.temperature,
          maxTokens: this.deps.generation.maxOutputTokens,
          signal: turn.abort.signal,
          onDelta: turn.onDelta,
        });
        return { plan, result, inferenceTimeMs: Math.max(0, Math.round(clock.monotonicMs() - startedAt)) };
      } catch (error) {
        const canShrink = error instanceof AppError && error.code === 'CONTEXT_TOO_LONG' && extraBlocks === 0 && plan.includedTurns > 0;
        if (!canShrink) throw error;
        this.deps.logger.warn('turn.context-retry', { includedTurns: plan.includedTurns });
      } finally {
        releaseSlot();
      }
    }
  }
}

/** Names of the patient fields a follow-up sets, for the note in its user message. */
function changedFieldNames(update: PatientUpdate | undefined): string[] {
  if (!update) return [];
  return Object.entries(update)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => FIELD_LABELS[key as keyof PatientUpdate] ?? key);
}

const FIELD_LABELS: Readonly<Record<keyof PatientUpdate, string>> = {
  age: 'age',
  sex: 'sex',
  chiefComplaint: 'chief complaint',
  weightKg: 'weight',
  vitals: 'vitals',
  allergies: 'allergies',
  medications: 'medications',
  pregnancy: 'pregnancy',
  pastMedicalHistory: 'past medical history',
};
