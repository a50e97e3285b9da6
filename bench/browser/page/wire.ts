/// <reference lib="dom" />
/**
 * Watches the harness bridge's WebSocket from inside the page, without changing what it carries: when each sealed
 * record main delivers (`vault.record`) arrives, and when the page's acknowledgement of it (`vault.ack`) leaves —
 * which the app's history sync sends only after `putRecords` committed. Installed before any page script runs
 * (the bundle is an init script), by replacing `window.WebSocket` with a subclass whose own `message` listener is
 * registered before the bridge's, so an arrival is stamped before the app's code sees the record.
 */
import { channelOf } from '../../../src/shared/channels';
import type { RecordDelivery, SealedRecord } from '../../../src/shared/vault';

/** One delivered record: when it arrived and when the page acknowledged it. */
export interface WireEntry {
  readonly record: SealedRecord;
  readonly arrivedAt: number;
  ackedAt: number | null;
  stored: boolean | null;
}

const RECORD_CHANNEL = channelOf('vault.record');
const ACK_CHANNEL = channelOf('vault.ack');
const OPEN_CHANNEL = channelOf('vault.open');
const INDEX_CHANNEL = channelOf('vault.index');
const UNLOCK_CHANNEL = channelOf('auth.unlock');
/** The harness transport's answers start `{"type":"result","id":<n>` (wsTransport.ts). */
const RESULT_PREFIX = /^\{"type":"result","id":(\d+)/;
/** The bridge's calls start `{"type":"invoke","id":<n>,"channel":"<channel>"` (test/harness/bridge.ts). */
const INVOKE_PREFIX = /^\{"type":"invoke","id":(\d+),"channel":"([^"]+)"/;

function occurrences(text: string, needle: string): number {
  let found = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) found += 1;
  return found;
}

/**
 * One `vault.open` or `vault.index` call the page made (whoever made it): when it left, with how many records, and
 * when it was answered.
 */
export interface OpenCall {
  readonly sentAt: number;
  readonly records: number;
  answeredAt: number | null;
}

/** Every `vault.open` call of this page, in order. */
export const openCalls: OpenCall[] = [];
/** Every `vault.index` call of this page (the app's indexing pass), in order. */
export const indexCalls: OpenCall[] = [];
/**
 * For each `auth.unlock` call of this page, in order: how many `vault.index` calls had been made before it. Every
 * unlock starts the app's indexing pass, so its calls are the ones from that position on (until the next lock).
 */
export const unlockMarks: number[] = [];
/** Unanswered calls of either kind, by the bridge's call id. */
const openCallsById = new Map<number, OpenCall>();

/** Every record delivered to this page, in arrival order. */
export const wireLog: WireEntry[] = [];
/** Records delivered but not yet acknowledged, per id (a record id is delivered twice per turn: pending, then final). */
const unacked = new Map<string, WireEntry[]>();
const waiters = new Set<() => void>();

function notify(): void {
  for (const waiter of [...waiters]) waiter();
}

function onMessage(event: MessageEvent): void {
  const arrivedAt = performance.now();
  const data: unknown = event.data;
  if (typeof data !== 'string') return;
  if (openCallsById.size > 0) {
    const id = RESULT_PREFIX.exec(data.slice(0, 40))?.[1];
    const call = id === undefined ? undefined : openCallsById.get(Number(id));
    if (call) {
      call.answeredAt = arrivedAt;
      openCallsById.delete(Number(id));
      notify();
      return;
    }
  }
  if (!data.includes(RECORD_CHANNEL)) return;
  const message = JSON.parse(data) as { type?: string; channel?: string; payload?: RecordDelivery };
  if (message.type !== 'event' || message.channel !== RECORD_CHANNEL || !message.payload) return;
  // A delivery's records arrive together (one event), so they share the arrival time.
  for (const record of message.payload.records) {
    const entry: WireEntry = { record, arrivedAt, ackedAt: null, stored: null };
    wireLog.push(entry);
    const queue = unacked.get(record.id) ?? [];
    queue.push(entry);
    unacked.set(record.id, queue);
  }
}

function onSend(data: string): void {
  const invoke = INVOKE_PREFIX.exec(data.slice(0, 120));
  if (invoke?.[2] === OPEN_CHANNEL || invoke?.[2] === INDEX_CHANNEL) {
    // Not parsed (it can be large, and this runs inside the measured calls): the id from the prefix, records counted.
    const call: OpenCall = { sentAt: performance.now(), records: occurrences(data, '"iv":'), answeredAt: null };
    (invoke[2] === OPEN_CHANNEL ? openCalls : indexCalls).push(call);
    openCallsById.set(Number(invoke[1]), call);
    return;
  }
  if (invoke?.[2] === UNLOCK_CHANNEL) {
    unlockMarks.push(indexCalls.length);
    return;
  }
  if (!data.includes(ACK_CHANNEL)) return;
  const sentAt = performance.now();
  const message = JSON.parse(data) as { type?: string; channel?: string; payload?: { recordId?: string; stored?: boolean } };
  if (message.type !== 'invoke' || message.channel !== ACK_CHANNEL || typeof message.payload?.recordId !== 'string') return;
  const queue = unacked.get(message.payload.recordId);
  const entry = queue?.shift();
  if (queue && queue.length === 0) unacked.delete(message.payload.recordId);
  if (!entry) return;
  entry.ackedAt = sentAt;
  entry.stored = message.payload.stored === true;
  notify();
}

/** True while a `vault.open` or `vault.index` call of this page is unanswered. */
export function openCallsPending(): boolean {
  return openCallsById.size > 0;
}

/** Resolves when `done()` holds (checked on every acknowledgement and `vault.open`/`vault.index` answer), or rejects after `timeoutMs`. */
export function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done()) return;
      waiters.delete(check);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    waiters.add(check);
  });
}

/** Replaces `window.WebSocket` with the watching subclass. Call once, before the bridge script runs. */
export function installWireWatch(): void {
  const NativeWebSocket = window.WebSocket;
  class WatchedWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', onMessage);
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string') onSend(data);
      super.send(data);
    }
  }
  Object.defineProperty(window, 'WebSocket', { value: WatchedWebSocket, writable: true, configurable: true, enumerable: false });
}
