/**
 * The bulk of the browser suite's store: real sealed history, sealed in Node by main's own sealer (the harness's
 * benchmark handle) — each session's key created in main's key store with its first record, every record opening
 * for the signed-in clinician — so the app's own work after unlock (the list, the indexing pass, retention) treats
 * it as it would treat a clinician's history. The texts are the workload's seeded clinical scripts.
 */
import { randomUUID } from 'node:crypto';
import type { RecordSealer } from '../../src/main/history/recordSealer';
import { PAYLOAD_FORMAT_VERSION, type SealedRecord, type SessionPayload, type TurnPayload } from '../../src/shared/vault';
import { deriveSeed, mulberry32 } from '../prng';
import { answerMessage, sessionScript, STANDARD_SIZES } from '../workload';

/** One batch of sealed sessions: session records first, then their turn records. */
export interface SealedBatch {
  readonly sessionRecords: SealedRecord[];
  readonly turnRecords: SealedRecord[];
}

/** What {@link sealedSessionBatches} is asked for. */
export interface SealedPopulationPlan {
  readonly seed: number;
  /** First script index (the sessions driven through the app use the lower ones). */
  readonly firstScript: number;
  readonly sessions: number;
  readonly turnsPerSession: number;
  readonly batchSessions: number;
  readonly ownerId: string;
  /** The newest filler session's last turn; older ones go back 30 s each. */
  readonly newestAt: Date;
  /** The model endpoint named in the turns' metadata. */
  readonly endpoint: string;
}

const SESSION_SPACING_MS = 30_000;
const TURN_SPACING_MS = 120_000;

/**
 * Seals the filler sessions batch by batch (a batch's sessions concurrently: their key-file writes coalesce) and
 * yields each batch as soon as it is sealed, oldest sessions first.
 */
export async function* sealedSessionBatches(sealer: RecordSealer, plan: SealedPopulationPlan): AsyncGenerator<SealedBatch> {
  const answers = mulberry32(deriveSeed(plan.seed, 0xf111e4));
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let first = 0; first < plan.sessions; first += plan.batchSessions) {
    const indexes = Array.from({ length: Math.min(plan.batchSessions, plan.sessions - first) }, (_, offset) => first + offset);
    const sealed = await Promise.all(
      indexes.map(async (index) => {
        const script = sessionScript(plan.seed, plan.firstScript + index, plan.turnsPerSession, STANDARD_SIZES);
        const sessionId = randomUUID();
        const updatedMs = plan.newestAt.getTime() - (plan.sessions - 1 - index) * SESSION_SPACING_MS;
        const createdMs = updatedMs - plan.turnsPerSession * TURN_SPACING_MS;
        const common = { sessionId, ownerId: plan.ownerId, parentTurnId: null, status: 'complete', v: PAYLOAD_FORMAT_VERSION, rv: 1 } as const;
        const turnIds = script.exchanges.map(() => randomUUID());
        const sessionPayload: SessionPayload = {
          patient: script.patient,
          title: script.patient.chiefComplaint,
          turns: turnIds.map((id, offset) => ({ id, seq: offset + 1, rv: 1 })),
        };
        // The session's key is created explicitly for its first record, as main does for a new session.
        await sealer.startSession(sessionId);
        const sessionRecord = await sealer.seal(
          { ...common, id: sessionId, kind: 'session', seq: 0, createdAt: iso(createdMs), updatedAt: iso(updatedMs) },
          sessionPayload,
        );
        const turnRecords = await Promise.all(
          script.exchanges.map((exchange, offset) => {
            const seq = offset + 1;
            const turnId = turnIds[offset]!;
            const startedMs = createdMs + offset * TURN_SPACING_MS;
            const payload: TurnPayload = {
              turnId,
              userText: exchange.userText,
              answerText: answerMessage(answers, STANDARD_SIZES),
              incompleteReason: null,
              metadata: {
                inferenceTimeMs: 1_500 + ((index * 37 + seq * 101) % 2_000),
                model: 'clinical-model',
                endpoint: plan.endpoint,
                temperature: 0.2,
                maxTokens: 1_024,
                conversationCount: seq,
                promptTokens: 400 * seq,
                completionTokens: 250,
                historyTurnsIncluded: seq - 1,
                historyTrimmed: false,
              },
            };
            return sealer.seal({ ...common, id: turnId, kind: 'turn', seq, createdAt: iso(startedMs), updatedAt: iso(startedMs + 60_000) }, payload);
          }),
        );
        return { sessionRecord, turnRecords };
      }),
    );
    yield { sessionRecords: sealed.map((one) => one.sessionRecord), turnRecords: sealed.flatMap((one) => one.turnRecords) };
  }
}
