import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEventInput } from '../../src/main/audit/auditEvent';
import type { AuditRecorder } from '../../src/main/audit/auditRecorder';
import { silentLogger } from '../../src/main/core/logger';
import { HistoryMemory } from '../../src/main/history/historyMemory';
import type { OpenedRecordsDeps } from '../../src/main/history/openedRecords';
import { gcmSeal } from '../../src/main/vault/aesGcm';
import { additionalData, toBase64, utf8 } from '../../src/main/vault/encoding';
import { sealRecord } from '../../src/main/vault/recordCrypto';
import { SessionKeyStore } from '../../src/main/vault/sessionKeyStore';
import type { UnlockedOwner } from '../../src/main/vault/unlockedOwner';
import type { CryptoKey } from '../../src/main/vault/webCryptoTypes';
import type { ManifestEntry, SealedRecord, SealedRecordV1, SealedRecordV2, SessionPayload, TurnPayload } from '../../src/shared/vault';

/** An audit recorder that keeps what it is given (durable or not). */
export function recordingAudit(): AuditRecorder & { readonly events: AuditEventInput[] } {
  const events: AuditEventInput[] = [];
  return {
    events,
    record: (event) => void events.push(event),
    recordDurably: async (event) => void events.push(event),
    available: () => true,
    flushed: async () => undefined,
  };
}

/** A signed-in owner with a fresh data key. */
export async function ownerForTests(ownerId: string): Promise<UnlockedOwner> {
  return { ownerId, dataKey: await globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']) };
}

/** A key store in a fresh folder, with main's way of opening records around it. */
export async function historyForTests(): Promise<{ keys: SessionKeyStore; memory: HistoryMemory; audit: ReturnType<typeof recordingAudit>; deps: OpenedRecordsDeps; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cpa-history-'));
  const keys = new SessionKeyStore(join(dir, 'session-keys.json'), silentLogger);
  await keys.load({ retentionCutoff: null, now: new Date() });
  const memory = new HistoryMemory();
  const audit = recordingAudit();
  return { keys, memory, audit, dir, deps: { keys, memory, audit, logger: silentLogger, isSignedIn: () => true } };
}

/** Header fields a test record needs beyond its id and position. */
interface RecordShape {
  readonly id: string;
  readonly kind: 'session' | 'turn';
  readonly sessionId: string;
  readonly ownerId: string;
  readonly seq: number;
  readonly status?: SealedRecord['status'];
  readonly parentTurnId?: string | null;
  readonly at?: string;
}

/** Seals a format-v2 record as main does. */
export function sealV2(key: CryptoKey, shape: RecordShape & { readonly rv: number }, payload: SessionPayload | TurnPayload): Promise<SealedRecordV2> {
  const at = shape.at ?? '2026-11-25T09:00:00.000Z';
  return sealRecord(
    key,
    { id: shape.id, kind: shape.kind, sessionId: shape.sessionId, ownerId: shape.ownerId, seq: shape.seq, parentTurnId: shape.parentTurnId ?? null, status: shape.status ?? 'complete', createdAt: at, updatedAt: at, v: 2, rv: shape.rv },
    payload,
  );
}

/** Seals a format-v1 record as main did before format v2 (only id, session, owner, kind and format bound). */
export async function sealV1(key: CryptoKey, shape: RecordShape, payload: SessionPayload | TurnPayload): Promise<SealedRecordV1> {
  const at = shape.at ?? '2026-11-25T09:00:00.000Z';
  const sealed = await gcmSeal(key, utf8(JSON.stringify(payload)), additionalData('cpa.record', shape.id, shape.sessionId, shape.ownerId, shape.kind, 1));
  return {
    id: shape.id,
    kind: shape.kind,
    sessionId: shape.sessionId,
    ownerId: shape.ownerId,
    seq: shape.seq,
    parentTurnId: shape.parentTurnId ?? null,
    status: shape.status ?? 'complete',
    createdAt: at,
    updatedAt: at,
    v: 1,
    iv: toBase64(sealed.iv),
    ct: toBase64(sealed.ciphertext),
  };
}

/** A session payload for tests. */
export function sessionPayload(title: string, turns?: ManifestEntry[]): SessionPayload {
  return { patient: { age: 60, sex: 'female', chiefComplaint: title }, title, ...(turns ? { turns } : {}) };
}

/** A turn payload for tests. */
export function turnPayload(turnId: string, userText: string, answerText: string): TurnPayload {
  return { turnId, userText, answerText, incompleteReason: null, metadata: null };
}
