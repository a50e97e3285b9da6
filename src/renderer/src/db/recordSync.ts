/**
 * The page-side end of "nothing lost": every delivery of sealed records main sends (`api.vault.onRecord`) is written
 * to the history store in one transaction, whichever code in the page started the call, and each record is then
 * acknowledged to main — `{ ok: true }` once it
 * is durably stored, or the storage failure (main then does not call the model, and the page keeps the typed text).
 *
 * Started ONCE, at page start-up, before any call that can make main seal records.
 */
import type { AckInput, RecordDelivery } from '../../../shared/vault';
import type { RecordStore } from './recordStore';
import { STORAGE_FAILED_MESSAGE, storageFailure, type StorageFailure } from './storageErrors';

/** What the page tells main about one delivered record. */
export type RecordAck = { ok: true } | StorageFailure;

/** Longest acknowledgement message the contract carries (`AckInput`). */
const MAX_ACK_MESSAGE = 500;

/**
 * The contract's `api.vault.ack` input for an acknowledgement, so the app wires the bridge in one line:
 * `startRecordSync({ onRecord: api.vault.onRecord, ack: (id, result) => api.vault.ack(ackInputOf(id, result)) }, store)`.
 */
export function ackInputOf(recordId: string, result: RecordAck): AckInput {
  return result.ok
    ? { recordId, stored: true }
    : { recordId, stored: false, code: result.code, message: result.message.slice(0, MAX_ACK_MESSAGE) };
}

/**
 * The two ends of the bridge this needs — taken as functions so it does not depend on `window.api`'s shape:
 * in the app, `{ onRecord: api.vault.onRecord, ack: … }`.
 */
export interface RecordSyncBridge {
  /** Subscribes to main's deliveries of sealed records; returns the unsubscribe function. */
  onRecord(listener: (delivery: RecordDelivery) => void): () => void;
  /** Tells main whether the record with this id is stored. */
  ack(recordId: string, result: RecordAck): Promise<unknown>;
}

/** A running sync. */
export interface RecordSync {
  /** Stops listening. Records already received are still written and acknowledged (see {@link idle}). */
  stop(): void;
  /** Resolves once every delivery received so far is written and its acknowledgements settled. */
  idle(): Promise<void>;
}

/** Optional hooks. */
export interface RecordSyncOptions {
  /**
   * Called when a record cannot be acknowledged: it carries no id, or `ack` failed (main is gone, or the bridge
   * broke). Main's wait for the acknowledgement is bounded, so it treats the record as not stored. Receives no
   * record content. Defaults to a console warning.
   */
  onAckError?: (recordId: string | null, error: unknown) => void;
}

/** Subscribers already feeding a sync: a second start on the same one would write and acknowledge every record twice. */
const running = new WeakSet<RecordSyncBridge['onRecord']>();

function defaultAckError(recordId: string | null, error: unknown): void {
  const reason = error instanceof Error ? error.name : 'unknown error';
  console.warn(`History sync: could not acknowledge record ${recordId ?? '(without id)'} to the app (${reason}).`);
}

/**
 * Subscribes to main's deliveries and writes each with one `store.putRecords` call — one transaction, so the session
 * record and the turn record of a delivery are stored together or not at all — in arrival order, then acknowledges
 * each of its records with that outcome. Deliveries arriving while a write is in progress wait in a queue; none is
 * dropped, not even after {@link RecordSync.stop}.
 *
 * Throws if a sync is already running on the same `onRecord` subscriber.
 */
export function startRecordSync(
  bridge: RecordSyncBridge,
  store: Pick<RecordStore, 'putRecords'>,
  options: RecordSyncOptions = {},
): RecordSync {
  if (running.has(bridge.onRecord)) throw new Error('History sync is already running: start it once, at page start-up.');
  running.add(bridge.onRecord);
  const onAckError = options.onAckError ?? defaultAckError;

  const queue: RecordDelivery[] = [];
  const pendingAcks = new Set<Promise<void>>();
  let pumping: Promise<void> | null = null;
  let stopped = false;

  function acknowledge(recordId: string | null, result: RecordAck): void {
    if (recordId === null) {
      onAckError(null, new TypeError('record has no id'));
      return;
    }
    // Sent in write order; not awaited, so a slow acknowledgement never holds up the next write.
    const sent = (async () => {
      try {
        await bridge.ack(recordId, result);
      } catch (error) {
        onAckError(recordId, error);
      }
    })();
    pendingAcks.add(sent);
    void sent.finally(() => pendingAcks.delete(sent));
  }

  async function write(delivery: RecordDelivery): Promise<RecordAck> {
    if (!Array.isArray(delivery.records)) return storageFailure('STORAGE_FAILED', STORAGE_FAILED_MESSAGE);
    try {
      // Main's own delivery: it replaces whatever version the stored row claims (see PutRecordsOptions.fromMain).
      const result = await store.putRecords(delivery.records, { fromMain: true });
      return result.ok ? { ok: true } : storageFailure(result.code, result.message);
    } catch {
      // putRecords answers failures as data; this only guards against a bug turning into a lost acknowledgement.
      return storageFailure('STORAGE_FAILED', STORAGE_FAILED_MESSAGE);
    }
  }

  async function pump(): Promise<void> {
    // The loop test and `pumping = null` run in the same synchronous step: a record that arrives after the last
    // check finds `pumping` null and starts a new pump, so nothing is left in the queue.
    for (let delivery = queue.shift(); delivery !== undefined; delivery = queue.shift()) {
      const outcome = await write(delivery);
      const records: unknown[] = Array.isArray(delivery.records) ? delivery.records : [null];
      for (const record of records) {
        const id = typeof (record as { id?: unknown } | null)?.id === 'string' ? (record as { id: string }).id : null;
        acknowledge(id, outcome);
      }
    }
    pumping = null;
  }

  const unsubscribe = bridge.onRecord((delivery) => {
    queue.push(delivery);
    pumping ??= pump();
  });

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      running.delete(bridge.onRecord);
    },
    async idle() {
      while (pumping !== null || pendingAcks.size > 0) {
        await pumping;
        await Promise.all([...pendingAcks]);
      }
    },
  };
}
