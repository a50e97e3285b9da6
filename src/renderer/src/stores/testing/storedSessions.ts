/**
 * Stored sessions for history tests: sealed records as main would deliver them (opaque filler ciphertext), with
 * what the fake vault opens each one to registered in the fake api.
 */
import type { IncompleteReason } from '../../../../shared/protocol';
import type { OpenFailureReason, SealedRecord, SessionPayload, TurnPayload } from '../../../../shared/vault';
import { at, sessionRecord, turnRecord } from '../../db/testing/records';
import { PATIENT, PROFILE_A, protocolResponse, type FakeApi } from './fakeApi';

/** One stored turn. */
export interface StoredTurnSpec {
  /** The record id (a fresh UUID when absent): set it to name this answer as another one's `parentTurnId`. */
  id?: string;
  seq: number;
  userText?: string;
  answerText?: string;
  status?: SealedRecord['status'];
  incompleteReason?: IncompleteReason | null;
  /** Minutes after the fixed start (see `at`). */
  createdAt?: number;
  updatedAt?: number;
  parentTurnId?: string | null;
  /** Where the turn continues from (sealed in its payload); absent: a record from before the field existed. */
  previousTurnId?: string | null;
  /** The workstation it was asked on (sealed in its payload). */
  workstationLabel?: string;
}

/** A stored session. */
export interface StoredSessionSpec {
  title: string;
  ownerId?: string;
  sessionId?: string;
  /** Minutes after the fixed start. */
  createdAt?: number;
  updatedAt?: number;
  status?: SealedRecord['status'];
  turns?: StoredTurnSpec[];
}

/** The records of a stored session. */
export interface StoredSessionRecords {
  session: SealedRecord;
  turns: SealedRecord[];
  /** Session record first, then the turns. */
  all: SealedRecord[];
}

/** The payload main seals into a session record titled `title`. */
export function sessionPayload(title: string): SessionPayload {
  return { patient: { ...PATIENT, chiefComplaint: title }, title };
}

/** Builds the sealed records of a session and registers what each opens to in `fake`'s vault. */
export function storedSession(fake: FakeApi, spec: StoredSessionSpec): StoredSessionRecords {
  const ownerId = spec.ownerId ?? PROFILE_A.profileId;
  const session = sessionRecord({
    ...(spec.sessionId === undefined ? {} : { id: spec.sessionId, sessionId: spec.sessionId }),
    ownerId,
    status: spec.status ?? 'complete',
    createdAt: at(spec.createdAt ?? 0),
    updatedAt: at(spec.updatedAt ?? spec.createdAt ?? 0),
  });
  fake.vaultContents.set(session.ct, sessionPayload(spec.title));
  const turns = (spec.turns ?? []).map((turn) => {
    const status = turn.status ?? 'complete';
    const record = turnRecord(session.sessionId, {
      ...(turn.id === undefined ? {} : { id: turn.id }),
      ownerId,
      seq: turn.seq,
      status,
      parentTurnId: turn.parentTurnId ?? null,
      createdAt: at(turn.createdAt ?? turn.seq),
      updatedAt: at(turn.updatedAt ?? turn.createdAt ?? turn.seq),
    });
    const payload: TurnPayload = {
      turnId: record.id,
      userText: turn.userText ?? (turn.seq === 1 ? 'Suggest an initial clinical protocol for this patient.' : `Question ${turn.seq}`),
      answerText: turn.answerText ?? (status === 'pending' ? '' : `Answer ${turn.seq}`),
      incompleteReason: turn.incompleteReason ?? null,
      metadata: status === 'pending' ? null : protocolResponse({ seq: turn.seq, turnId: record.id }).metadata,
      ...(turn.previousTurnId === undefined ? {} : { previousTurnId: turn.previousTurnId }),
      ...(turn.workstationLabel === undefined ? {} : { workstationLabel: turn.workstationLabel }),
    };
    fake.vaultContents.set(record.ct, payload);
    return record;
  });
  return { session, turns, all: [session, ...turns] };
}

/**
 * Makes main refuse `record` from now on, for `reason`: `shredded` — its session's key was destroyed (retention, a
 * delete); `unknown-key` — main has no key for it (a missing key file); `rolled-back` — an older version than main
 * last sealed; `tampered`, `malformed`, `forbidden`.
 */
export function spoil(fake: FakeApi, record: SealedRecord, reason: OpenFailureReason): void {
  fake.vaultContents.set(record.ct, { fails: reason });
}

/** `count` sessions of `turns` turns each, newest last; answers are `Answer <session>-<seq>`. */
export function manyStoredSessions(fake: FakeApi, count: number, turns: number): StoredSessionRecords[] {
  return Array.from({ length: count }, (_, i) =>
    storedSession(fake, {
      title: `Complaint ${i}`,
      updatedAt: i,
      turns: Array.from({ length: turns }, (_, t) => ({ seq: t + 1, answerText: `Answer ${i}-${t + 1}`, userText: `Question ${i}-${t + 1}` })),
    }),
  );
}
