/**
 * Building the conversation view of a stored session from what main opened. Plaintext: memory only.
 */
import { activePath, conversationTree, forkView, type Slot } from '../../../../shared/conversationPath';
import type { Patient } from '../../../../shared/patient';
import type { SessionPayload, TurnPayload } from '../../../../shared/vault';
import type { TurnRow } from '../../db/database';
import type { Turn } from '../turns';
import { summariseShown } from './turnSummary';
import { judgeOpenFailures } from './openFailures';
import type { OpenedRecords } from './openThroughMain';
import type { StoredSession } from './storedRecords';

/** A stored session as the conversation view shows it (plaintext: memory only). */
export interface StoredSessionView {
  sessionId: string;
  /** When the session was opened (its record's creation time); null when it is not stored. */
  createdAt?: string | null;
  /** The patient from the session record; null when that record could not be opened. */
  patient: Patient | null;
  title: string | null;
  turns: Turn[];
  turnCount: number;
  lastModel: string | null;
  lastInferenceMs: number | null;
  lastOmittedTurns: number;
  /** Records that could not be opened (tampered, malformed) and were set aside. */
  setAsideCount: number;
  /** Records older than the version main last sealed (a rollback): never shown, and the session is flagged. */
  rolledBackCount: number;
  /** The session was continued on two (or more) workstations while they could not sync; null when it is one line. */
  fork?: StoredFork | null;
}

/** One continuation of a forked session. */
export interface StoredForkBranch {
  /** The workstation it was asked on (its label), else "Continuation n". */
  label: string;
  /** The id of its last turn: what "Go on from here" hands main (`sessions.resume`'s `branchTurnId`). */
  lastTurnId: string;
  /** Its turns, as the conversation shows them. */
  turns: Turn[];
}

/**
 * A forked session as the page shows it: `turns` holds the shared part (the first `commonCount`) and then the branch
 * the conversation goes on along; the branches are shown side by side until the clinician chooses one (`chosen`, its
 * index), then the others collapsed. None is ever dropped.
 */
export interface StoredFork {
  commonCount: number;
  branches: StoredForkBranch[];
  chosen: number | null;
}

function storedTurnStatus(record: TurnRow): Turn['status'] {
  switch (record.status) {
    case 'complete':
      return 'complete';
    case 'incomplete':
      return 'incomplete';
    case 'error':
      return 'error';
    default:
      return 'pending';
  }
}

/** A stored turn as the conversation shows it. */
export function storedTurn(record: TurnRow, payload: TurnPayload): Turn {
  return {
    key: `stored-${record.id}`,
    turnId: payload.turnId || record.id,
    seq: record.seq,
    // The first turn's question is the patient (main words it as a request); later ones are what was typed.
    kind: record.seq === 1 ? 'intake' : 'followUp',
    message: payload.userText,
    answer: payload.answerText,
    status: storedTurnStatus(record),
    incompleteReason: payload.incompleteReason,
    nextDeltaIndex: 0,
    metadata: payload.metadata,
  };
}

/**
 * The answers of one seq (regenerated siblings) in the order they were asked for (`createdAt`), so "Answer 1 of 2" is
 * the same answer live and reopened — also once the clinician chose an earlier one (main then writes it again, so it
 * is the most recently written and the one shown, but it keeps its place). Each carries when it was last written.
 * Failed and pending records are not answers, unless the seq has nothing else.
 */
function siblingAnswersOf(records: readonly TurnRow[], opened: OpenedRecords): Turn['answers'] {
  const answered = records.filter((record) => record.status === 'complete' || record.status === 'incomplete');
  if (answered.length < 2) return undefined;
  return [...answered]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.updatedAt.localeCompare(b.updatedAt))
    .map((record) => {
      const turn = storedTurn(record, opened.turns.get(record.id)!);
      return {
        turnId: turn.turnId!,
        answer: turn.answer,
        status: turn.status as 'complete' | 'incomplete',
        incompleteReason: turn.incompleteReason,
        metadata: turn.metadata ?? null,
        writtenAt: record.updatedAt,
      };
    });
}

/** The title a session payload gives the list. */
export function titleOf(payload: SessionPayload): string {
  return payload.title.trim() || payload.patient.chiefComplaint.trim() || 'Untitled session';
}

/** A turn of the tree: the record and what it says of where it continues from. */
interface PathRow {
  id: string;
  seq: number;
  parentTurnId: string | null;
  previousTurnId: string | null | undefined;
  updatedAt: string;
  record: TurnRow;
}

/** One asked message as the conversation shows it: its answer written last, with its siblings. */
function turnOfSlot(slot: Slot<PathRow>, opened: OpenedRecords): Turn {
  const answers = siblingAnswersOf(
    slot.answers.map((answer) => answer.record),
    opened,
  );
  return { ...storedTurn(slot.shown.record, opened.turns.get(slot.shown.id)!), ...(answers ? { answers } : {}) };
}

/** A branch's label: the workstation its first turn was asked on, else its number; made unique among the branches. */
function branchLabels(branches: readonly Slot<PathRow>[][], opened: OpenedRecords): string[] {
  const labels = branches.map((slots, index) => opened.turns.get(slots[0]?.shown.id ?? '')?.workstationLabel?.trim() || `Continuation ${index + 1}`);
  return labels.map((label, index) => (labels.indexOf(label) === labels.lastIndexOf(label) ? label : `${label} (${index + 1})`));
}

/**
 * Builds the view of a stored session from what main opened: the conversation along its path (shared/
 * conversationPath.ts: per asked message the answer written last), the patient and title from the session record,
 * the last answer's model and time — and, for a session continued on two workstations, its branches. `branchTurnId`:
 * the branch the clinician chose to go on from (null: not chosen; the most recently used one comes first in `turns`);
 * `chosenByClinician` false: `turns` follow that branch (the line a live session goes on along here) but the fork is
 * shown as not chosen yet, the page saying which one the next follow-up goes on from.
 * Only records main opened are shown: one it refused (a rolled-back version included) never stands in as history.
 */
export function storedSessionView(
  sessionId: string,
  stored: StoredSession,
  opened: OpenedRecords,
  branchTurnId: string | null = null,
  chosenByClinician = true,
): StoredSessionView {
  const sessionPayload = stored.session === null ? undefined : opened.sessions.get(stored.session.id);
  const openedAll = stored.turns.filter((record) => opened.turns.has(record.id));
  // A question that failed and was then sent again is not a branch of the conversation: only a failure that is still
  // the latest thing written shows (the session's state is "Failed" until something follows it).
  const newest = openedAll.reduce<TurnRow | undefined>((kept, record) => (kept === undefined || record.updatedAt >= kept.updatedAt ? record : kept), undefined);
  const openedTurns = openedAll.filter((record) => record.status !== 'error' || record === newest);
  const tree = conversationTree<PathRow>(
    openedTurns.map((record) => ({
      id: record.id,
      seq: record.seq,
      parentTurnId: record.parentTurnId,
      previousTurnId: opened.turns.get(record.id)!.previousTurnId,
      updatedAt: record.updatedAt,
      record,
    })),
  );
  const chosen = branchTurnId !== null && tree.slotOf(branchTurnId) !== null ? branchTurnId : null;
  const path = activePath(tree, chosen);
  const shown = path.map((slot) => slot.shown.record);
  const turns = path.map((slot) => turnOfSlot(slot, opened));
  const { common, branches } = forkView(tree);
  const labels = branches === null ? [] : branchLabels(branches, opened);
  const fork: StoredFork | null =
    branches === null
      ? null
      : {
          commonCount: common.length,
          branches: branches.map((slots, index) => ({
            label: labels[index]!,
            lastTurnId: slots.at(-1)!.shown.id,
            turns: slots.map((slot) => turnOfSlot(slot, opened)),
          })),
          chosen: chosen === null || !chosenByClinician ? null : branches.findIndex((slots) => slots.some((slot) => slot.id === tree.slotOf(chosen))),
        };
  const lastWithMetadata = [...shown].reverse().find((record) => opened.turns.get(record.id)!.metadata !== null);
  const metadata = lastWithMetadata === undefined ? null : opened.turns.get(lastWithMetadata.id)!.metadata;
  const verdict = judgeOpenFailures(opened.failed);
  return {
    sessionId,
    createdAt: stored.session?.createdAt ?? null,
    patient: sessionPayload?.patient ?? null,
    title: sessionPayload === undefined ? null : titleOf(sessionPayload),
    turns,
    turnCount: summariseShown({ turns, fork, lastSendFailed: false }).turnCount,
    lastModel: metadata?.model ?? null,
    lastInferenceMs: metadata?.inferenceTimeMs ?? null,
    lastOmittedTurns:
      metadata !== null && lastWithMetadata !== undefined && metadata.historyTrimmed
        ? Math.max(0, lastWithMetadata.seq - 1 - metadata.historyTurnsIncluded)
        : 0,
    setAsideCount: verdict.toQuarantine.length,
    rolledBackCount: opened.failed.filter((failure) => failure.reason === 'rolled-back').length,
    fork,
  };
}
