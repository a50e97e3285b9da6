import type { EventName, EventPayload, ParsedInput } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { mergePatient, Patient, type PatientUpdate } from '../../shared/patient';
import type { ProtocolResponse } from '../../shared/protocol';
import { buildPrompt, turnUserText } from '../llm/buildPrompt';
import type { LlmClient } from '../llm/llmClient';
import { errorKind, type Logger } from '../logging/logger';
import type { Clock } from './clock';
import type { Session, TurnRecord } from './session';
import type { IdSource, SessionRegistry } from './sessionRegistry';

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
  readonly registry: SessionRegistry;
  readonly llm: LlmClient;
  readonly resolveModel: () => Promise<string>;
  readonly generation: GenerationSettings;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
}

/**
 * Runs protocol turns: opens a session on the first turn, sends the whole conversation so far with each
 * follow-up, streams the answer to the page that asked, and records the turn.
 *
 * One turn at a time per session: a second turn while one runs answers `SESSION_BUSY` (the next issue brings
 * a bounded queue). Patient updates are applied only when the turn is recorded, so a failed follow-up changes
 * nothing and can simply be sent again.
 */
export class ProtocolService {
  constructor(private readonly deps: ProtocolServiceDeps) {}

  /** Generates one turn; resolves once the answer is complete, cut or cancelled (every delta already emitted). */
  async generate(input: ParsedInput<'protocol.generate'>, caller: TurnCaller): Promise<ProtocolResponse> {
    const { registry, clock, newId } = this.deps;
    const isFirstTurn = input.sessionId === undefined;
    const session = isFirstTurn
      ? registry.create(caller.ownerId, Patient.parse(input.patient))
      : registry.get(input.sessionId as string, caller.ownerId);
    if (session.activeTurn) {
      throw new AppError('SESSION_BUSY', 'A turn is already running in this session. Wait for it, or stop it first.');
    }
    const patient = isFirstTurn ? session.patient : mergePatient(session.patient, input.patient);
    const seq = session.turns.length + 1;
    const turnId = newId();
    const abort = new AbortController();
    session.activeTurn = { turnId, seq, senderId: caller.senderId, abort };
    session.lastAccessAt = clock.now();
    caller.emit('protocol.turnStarted', { sessionId: session.id, turnId, seq });

    const userText = turnUserText(input.message, isFirstTurn ? [] : changedFieldNames(input.patient), isFirstTurn);
    const messages = buildPrompt(patient, session.turns, userText);
    const startedAt = clock.monotonicMs();
    try {
      const model = await this.deps.resolveModel();
      let index = 0;
      const result = await this.deps.llm.streamChat({
        model,
        messages,
        temperature: this.deps.generation.temperature,
        maxTokens: this.deps.generation.maxOutputTokens,
        signal: abort.signal,
        onDelta: (delta) => {
          caller.emit('protocol.delta', { sessionId: session.id, turnId, index: index++, delta });
        },
      });
      const incompleteReason = result.end === 'stop' ? null : result.end;
      const record: TurnRecord = {
        turnId,
        seq,
        userText,
        answerText: result.text,
        status: incompleteReason === null ? 'complete' : 'incomplete',
        incompleteReason,
        model: result.model,
        endpoint: result.endpoint,
      };
      session.patient = patient;
      session.turns.push(record);
      session.lastAccessAt = clock.now();
      this.deps.logger.info('turn.finished', { seq, status: record.status, reason: incompleteReason });
      return {
        sessionId: session.id,
        turnId,
        seq,
        protocol: result.text,
        patientSummary: patient,
        metadata: {
          inferenceTimeMs: Math.max(0, Math.round(clock.monotonicMs() - startedAt)),
          model: result.model,
          endpoint: result.endpoint,
          temperature: this.deps.generation.temperature,
          maxTokens: this.deps.generation.maxOutputTokens,
          conversationCount: session.turns.length,
          promptTokens: result.promptTokens,
          completionTokens: result.completionTokens,
        },
        timestamp: session.lastAccessAt.toISOString(),
        status: record.status,
        incompleteReason,
      };
    } catch (error) {
      // The clinician never saw a session whose first turn failed: forget it, the form keeps their input.
      if (isFirstTurn) registry.remove(session.id);
      this.deps.logger.warn('turn.failed', { seq, kind: errorKind(error), code: error instanceof AppError ? error.code : null });
      throw error;
    } finally {
      session.activeTurn = null;
    }
  }

  /** Stops the turn running in `sessionId`, if any. The generate call then resolves with the partial answer. */
  cancel(sessionId: string, ownerId: string): boolean {
    const session: Session = this.deps.registry.get(sessionId, ownerId);
    if (!session.activeTurn) return false;
    session.activeTurn.abort.abort();
    return true;
  }

  /** Cancels every running turn (shutdown). */
  dispose(): void {
    for (const session of this.deps.registry.all()) session.activeTurn?.abort.abort();
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
