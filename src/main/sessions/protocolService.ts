import type { EventName, EventPayload, ParsedInput } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { mergePatient, Patient, type PatientUpdate } from '../../shared/patient';
import type { ProtocolResponse } from '../../shared/protocol';
import { historyAnswerText, turnUserText } from '../llm/buildPrompt';
import type { LlmClient, StreamChatResult } from '../llm/llmClient';
import { errorKind, type Logger } from '../logging/logger';
import { sleepOn, type Clock } from './clock';
import type { ModelRequestLimiter } from './modelRequestLimiter';
import type { PromptAssembler, PromptPlan } from './promptAssembler';
import type { RecordedTurn, TurnRecorder } from './turnRecorder';
import type { Session, TurnRecord } from './session';
import type { IdSource, SessionStore } from './sessionStore';

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
}

const CLOSING_MESSAGE = 'The app is closing; this message was not sent.';

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
      ? store.create(caller.ownerId, Patient.parse(input.patient))
      : store.get(input.sessionId as string, caller.ownerId);
    store.touch(session);
    const turn = this.#queueTurn(session, input, caller, isFirstTurn);
    this.#inFlight.add(turn);
    try {
      return await turn;
    } finally {
      this.#inFlight.delete(turn);
    }
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

  async #queueTurn(session: Session, input: ParsedInput<'protocol.generate'>, caller: TurnCaller, isFirstTurn: boolean): Promise<ProtocolResponse> {
    const { store } = this.deps;
    let release;
    try {
      release = await session.queue.acquire(this.deps.queueWaitMs);
    } finally {
      store.turnSettled();
    }
    try {
      if (!this.#accepting) throw new AppError('INTERNAL', CLOSING_MESSAGE);
      // The session may have been deleted while this turn waited.
      store.get(session.id, caller.ownerId);
      return await this.#runTurn(session, input, caller, isFirstTurn);
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

  async #runTurn(session: Session, input: ParsedInput<'protocol.generate'>, caller: TurnCaller, isFirstTurn: boolean): Promise<ProtocolResponse> {
    const patient = isFirstTurn ? session.patient : mergePatient(session.patient, input.patient);
    const seq = session.turns.length + 1;
    const turnId = this.deps.newId();
    const abort = new AbortController();
    session.activeTurn = { turnId, seq, senderId: caller.senderId, abort };
    try {
      caller.emit('protocol.turnStarted', { sessionId: session.id, turnId, seq });
      const userText = turnUserText(input.message, isFirstTurn ? [] : changedFieldNames(input.patient), isFirstTurn);
      const recorded: RecordedTurn = { session, turnId, seq, startedAt: this.deps.clock.now(), userText, patient, caller };
      // The clinician's message is stored before the model is asked, so nothing typed is lost to a crash.
      await this.deps.recorder?.begin(recorded);
      try {
        return await this.#answerTurn(recorded, abort);
      } catch (error) {
        await this.deps.recorder?.finish(recorded, { answerText: '', status: 'error', incompleteReason: null, metadata: null });
        throw error;
      }
    } finally {
      session.activeTurn = null;
    }
  }

  /** Asks the model, records the exchange in the session's history, and builds the response. */
  async #answerTurn(recorded: RecordedTurn, abort: AbortController): Promise<ProtocolResponse> {
    const { clock, assembler } = this.deps;
    const { session, turnId, seq, userText, patient, caller } = recorded;
    const model = await this.deps.resolveModel();
    let index = 0;
    const onDelta = (delta: string): void => {
      caller.emit('protocol.delta', { sessionId: session.id, turnId, index: index++, delta });
    };
    const { plan, result, inferenceTimeMs } = await this.#callModel(session, { model, patient, userText, abort, onDelta });
    if (result.promptTokens !== null) assembler.observeUsage(model, plan.estimatedPromptTokens, result.promptTokens, plan.messages.length);
    const incompleteReason = result.end === 'stop' ? null : result.end;
    const status = incompleteReason === null ? 'complete' : 'incomplete';
    const answerForHistory = historyAnswerText(result.text);
    const record: TurnRecord = { userText, answerText: result.text, tokens: assembler.estimateExchange(model, userText, answerForHistory) };
    // The exact count needs a server round trip; the clinician should not wait for it. Until it lands, the
    // (higher) estimate stands in, which can only make the next window more cautious.
    void assembler.countExchange(model, userText, answerForHistory).then(
      (exact) => (record.tokens = exact),
      () => undefined,
    );
    session.patient = patient;
    session.windowStart = plan.windowStart;
    session.turns.push(record);
    this.deps.logger.info('turn.finished', { seq, status, reason: incompleteReason, trimmed: plan.trimmed });
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
    await this.deps.recorder?.finish(recorded, { answerText: result.text, status, incompleteReason, metadata: response.metadata });
    return response;
  }

  /**
   * Plans the prompt and asks the model, inside the global request limit. When the server says the context is
   * exceeded (our count was low), the window shrinks by one more block and the request is tried once more.
   */
  async #callModel(
    session: Session,
    turn: { model: string; patient: Patient; userText: string; abort: AbortController; onDelta: (delta: string) => void },
  ): Promise<{ plan: PromptPlan; result: StreamChatResult; inferenceTimeMs: number }> {
    const { assembler, clock, limiter, llm } = this.deps;
    for (let extraBlocks = 0; ; extraBlocks += 1) {
      const plan = await assembler.plan({ ...turn, turns: session.turns, windowStart: session.windowStart, extraBlocks });
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
