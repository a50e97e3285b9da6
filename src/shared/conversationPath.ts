/**
 * The shape of a session's conversation, from its turn records' authenticated headers and payloads: which turn each
 * one continues from, where it forks, and the path the clinician goes on along. Main (resume: what the model is told)
 * and the page (what is shown) use the same rules, so what is shown is what the next prompt holds.
 *
 * - A *slot* is one asked message: its first turn record (`parentTurnId` null) and every regenerated answer of it
 *   (records whose `parentTurnId` chain leads to it). The slot's shown answer is its most recently written one.
 * - A slot continues from the slot of its first record's `previousTurnId`; null: it is the first. Absent (records
 *   sealed before the field existed): linear by seq — the slot one seq before, and every such record of one seq is
 *   an answer in one slot (as history showed them before).
 * - A *fork*: a slot with two or more slots continuing from it (the session was continued on two workstations while
 *   they could not sync). Nothing of either branch is dropped; the clinician chooses where to go on.
 */

/** What the path needs of a turn record. */
export interface PathTurn {
  readonly id: string;
  readonly seq: number;
  readonly parentTurnId: string | null;
  /** From the sealed payload; undefined when the record predates it. */
  readonly previousTurnId?: string | null | undefined;
  readonly updatedAt: string;
}

/** One asked message and its answers. */
export interface Slot<T extends PathTurn> {
  /** The id of its first record. */
  readonly id: string;
  readonly seq: number;
  /** Its answers, first record first. */
  readonly answers: readonly T[];
  /** The answer shown and built on: the one written last. */
  readonly shown: T;
  /** The slot it continues from, or null. */
  readonly previous: string | null;
  /** The slots continuing from it, oldest first. */
  readonly next: readonly string[];
  /** The latest `updatedAt` in it or anything after it: how recently this line of the conversation was used. */
  readonly lastActivity: string;
}

/** A session's conversation as slots. */
export interface ConversationTree<T extends PathTurn> {
  readonly slots: ReadonlyMap<string, Slot<T>>;
  /** The slots that continue from nothing (normally one). */
  readonly roots: readonly string[];
  /** Maps any turn record id to its slot's id. */
  slotOf(turnId: string): string | null;
}

/** `candidate` is the answer to show over `known`: written later (ties: the later one handed over), as resume does. */
function shownOver<T extends PathTurn>(known: T | undefined, candidate: T): boolean {
  return known === undefined || candidate.updatedAt >= known.updatedAt;
}

/** Builds the tree of `turns` (the newest version of each turn record; any order). */
export function conversationTree<T extends PathTurn>(turns: readonly T[]): ConversationTree<T> {
  const byId = new Map(turns.map((turn) => [turn.id, turn]));
  /** The slot of a record: the first record of its answers — or, when a cut history left that one out, its id. */
  const rootIdOf = (turn: T): string => {
    let current = turn;
    for (let hops = 0; current.parentTurnId !== null && hops < turns.length; hops += 1) {
      const parent = byId.get(current.parentTurnId);
      if (!parent) return current.parentTurnId;
      current = parent;
    }
    return current.id;
  };
  const members = new Map<string, T[]>();
  const slotIdOf = new Map<string, string>();
  // Records that do not say where they continue from are one line by seq: every one of a seq is an answer to it.
  const legacySlotOfSeq = new Map<number, string>();
  const sorted = [...turns].sort((a, b) => a.seq - b.seq || (a.parentTurnId === null ? 0 : 1) - (b.parentTurnId === null ? 0 : 1) || (a.id < b.id ? -1 : 1));
  for (const turn of sorted) {
    let root = rootIdOf(turn);
    const first = byId.get(root) ?? turn;
    if (first.previousTurnId === undefined) {
      if (!legacySlotOfSeq.has(first.seq)) legacySlotOfSeq.set(first.seq, root);
      root = legacySlotOfSeq.get(first.seq)!;
    }
    slotIdOf.set(turn.id, root);
    slotIdOf.set(root, root);
    const list = members.get(root) ?? [];
    if (turn.id === root) list.unshift(turn);
    else list.push(turn);
    members.set(root, list);
  }
  /** The record a slot's position is read from: its first record, or (left out) its earliest answer. */
  const firstOf = (slotId: string): T => (members.get(slotId) ?? [])[0]!;
  const seqOf = (slotId: string): number => firstOf(slotId).seq;
  const shownOf = (slotId: string): T => (members.get(slotId) ?? []).reduce<T | undefined>((kept, turn) => (shownOver(kept, turn) ? turn : kept), undefined)!;
  const bySeq = new Map<number, string[]>();
  for (const slotId of members.keys()) bySeq.set(seqOf(slotId), [...(bySeq.get(seqOf(slotId)) ?? []), slotId]);
  const lowestSeq = Math.min(...bySeq.keys());
  const previousOf = (slotId: string): string | null => {
    const first = firstOf(slotId);
    if (first.previousTurnId === null) return null;
    const named = first.previousTurnId === undefined ? undefined : slotIdOf.get(first.previousTurnId);
    if (named !== undefined) return named;
    // Linear by seq (also when the turn it names did not open): the nearest seq before that has a slot — of several,
    // the one written last.
    for (let seq = first.seq - 1; seq >= lowestSeq; seq -= 1) {
      const before = bySeq.get(seq);
      if (before) return before.reduce<string | null>((kept, id) => (kept === null || shownOf(id).updatedAt > shownOf(kept).updatedAt ? id : kept), null);
    }
    return null;
  };
  const previous = new Map([...members.keys()].map((slotId) => [slotId, previousOf(slotId)]));
  const next = new Map<string, string[]>();
  for (const [slotId, from] of previous) if (from !== null) next.set(from, [...(next.get(from) ?? []), slotId]);
  const activity = new Map<string, string>();
  const activityOf = (slotId: string, depth = 0): string => {
    const known = activity.get(slotId);
    if (known !== undefined) return known;
    let latest = (members.get(slotId) ?? []).reduce((max, turn) => (turn.updatedAt > max ? turn.updatedAt : max), '');
    if (depth < turns.length) for (const child of next.get(slotId) ?? []) latest = maxOf(latest, activityOf(child, depth + 1));
    activity.set(slotId, latest);
    return latest;
  };
  const slots = new Map<string, Slot<T>>();
  for (const [slotId, answers] of members) {
    const following = (next.get(slotId) ?? []).sort((a, b) => shownOf(a).updatedAt.localeCompare(shownOf(b).updatedAt) || (a < b ? -1 : 1));
    slots.set(slotId, { id: slotId, seq: seqOf(slotId), answers, shown: shownOf(slotId), previous: previous.get(slotId) ?? null, next: following, lastActivity: activityOf(slotId) });
  }
  const roots = [...slots.values()].filter((slot) => slot.previous === null).sort((a, b) => a.seq - b.seq || a.lastActivity.localeCompare(b.lastActivity)).map((slot) => slot.id);
  return { slots, roots, slotOf: (turnId) => slotIdOf.get(turnId) ?? null };
}

function maxOf(a: string, b: string): string {
  return a > b ? a : b;
}

/** Of `ids` (slots), the one used most recently. */
function mostRecent<T extends PathTurn>(tree: ConversationTree<T>, ids: readonly string[]): string | null {
  let best: Slot<T> | null = null;
  for (const id of ids) {
    const slot = tree.slots.get(id);
    if (slot && (best === null || slot.lastActivity > best.lastActivity)) best = slot;
  }
  return best?.id ?? null;
}

/**
 * The path the conversation goes on along, first slot first: through the slot of `tipTurnId` when given (the branch
 * the clinician chose: from the start to it, then on along its most recently used continuation), otherwise along the
 * most recently used line. Every slot is visited once at most.
 */
export function activePath<T extends PathTurn>(tree: ConversationTree<T>, tipTurnId?: string | null): Slot<T>[] {
  const tip = tipTurnId ? tree.slotOf(tipTurnId) : null;
  const seen = new Set<string>();
  const path: Slot<T>[] = [];
  if (tip !== null) {
    for (let id: string | null = tip; id !== null && !seen.has(id); id = tree.slots.get(id)?.previous ?? null) {
      seen.add(id);
      const slot = tree.slots.get(id);
      if (slot) path.unshift(slot);
    }
  } else {
    const root = mostRecent(tree, tree.roots);
    if (root !== null) {
      seen.add(root);
      path.push(tree.slots.get(root)!);
    }
  }
  for (let last = path.at(-1); last; ) {
    const following = mostRecent(tree, last.next.filter((id) => !seen.has(id)));
    if (following === null) break;
    seen.add(following);
    last = tree.slots.get(following)!;
    path.push(last);
  }
  return path;
}

/** A session's conversation as the page shows it: the part every branch shares, then its branches side by side. */
export interface ForkView<T extends PathTurn> {
  /** The slots before the fork (all of them when there is none). */
  readonly common: Slot<T>[];
  /** Null: the conversation is one line. Otherwise each branch's slots, oldest branch first. */
  readonly branches: Slot<T>[][] | null;
}

/** See {@link ForkView}. A later fork inside a branch shows that branch's most recently used line. */
export function forkView<T extends PathTurn>(tree: ConversationTree<T>): ForkView<T> {
  const common: Slot<T>[] = [];
  const seen = new Set<string>();
  const starts = tree.roots.length > 1 ? [...tree.roots] : null;
  let current = starts === null && tree.roots[0] !== undefined ? tree.slots.get(tree.roots[0]) : undefined;
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    common.push(current);
    if (current.next.length > 1) break;
    const following = current.next[0];
    current = following === undefined ? undefined : tree.slots.get(following);
  }
  const last = common.at(-1);
  const forkStarts = starts ?? (last && last.next.length > 1 ? [...last.next] : null);
  if (forkStarts === null) return { common, branches: null };
  const branches = forkStarts.map((start) => {
    const branch: Slot<T>[] = [];
    for (let slot = tree.slots.get(start); slot && !seen.has(slot.id); ) {
      seen.add(slot.id);
      branch.push(slot);
      const following = mostRecent(tree, slot.next.filter((id) => !seen.has(id)));
      slot = following === null ? undefined : tree.slots.get(following);
    }
    return branch;
  });
  return { common, branches };
}
