/**
 * Reads the live feed (`GET /v1/events`, server-sent events): each `event: change` carries the newest change number
 * of the clinician's profile, which tells the workstation to pull. Only the parsing lives here; reconnecting, and
 * the periodic pull that covers a feed that silently died, are the caller's.
 */
import { ChangeEvent } from '../../../shared/sync/changes';
import type { Clock, TimerHandle } from '../../core/clock';
import { SyncErrorBody } from '../../../shared/sync/syncErrors';
import { SyncOfflineError, SyncProtocolError, SyncRequestError } from './syncClientErrors';

/** Longest event (all its lines) accepted: a change number is a few bytes, so anything this long is not the feed. */
export const MAX_EVENT_CHARS = 16_384;

/** One event as the SSE format delivers it, before its data is checked. */
interface RawEvent {
  readonly type: string;
  readonly data: string;
}

/**
 * Splits SSE text into events (WHATWG HTML §9.2.6): lines end in CR, LF or CRLF; `field: value`; a line starting
 * with `:` is a comment (a server's keep-alive); a blank line ends the event. Keeps its state across chunks.
 */
export class EventStreamParser {
  #buffer = '';
  #type = '';
  #data: string[] = [];
  #size = 0;

  /** Feeds one decoded chunk; returns the events it completed. Throws {@link SyncProtocolError} on an oversize event. */
  push(chunk: string): RawEvent[] {
    this.#buffer += chunk;
    const events: RawEvent[] = [];
    for (;;) {
      const end = this.#buffer.search(/\r\n|\r|\n/);
      // A lone CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk to decide.
      if (end < 0 || (end === this.#buffer.length - 1 && this.#buffer.endsWith('\r'))) break;
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + (this.#buffer.startsWith('\r\n', end) ? 2 : 1));
      const event = this.#line(line);
      if (event) events.push(event);
    }
    if (this.#size + this.#buffer.length > MAX_EVENT_CHARS) throw new SyncProtocolError(200, 'an event longer than the feed ever sends');
    return events;
  }

  /** The stream ended: a CR held back as a possible CRLF was a line end after all. An unfinished event is dropped. */
  finish(): RawEvent[] {
    if (!this.#buffer.endsWith('\r')) return [];
    const line = this.#buffer.slice(0, -1);
    this.#buffer = '';
    const event = this.#line(line);
    return event ? [event] : [];
  }

  #line(line: string): RawEvent | null {
    if (line === '') {
      const event = this.#data.length > 0 ? { type: this.#type || 'message', data: this.#data.join('\n') } : null;
      this.#type = '';
      this.#data = [];
      this.#size = 0;
      return event;
    }
    this.#size += line.length;
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#type = value;
    else if (field === 'data') this.#data.push(value);
    // `id` and `retry` are not used: the change number in the data is the cursor, and reconnecting is the caller's.
    return null;
  }
}

/** How long a feed may stay silent, on which clock. */
export interface FeedIdleLimit {
  readonly clock: Clock;
  /**
   * Longest silence (no event, no keep-alive comment) before the feed counts as dead. The server sends a comment
   * every 15 s; a connection cut without a reset (a sleeping laptop, a dropped NAT entry) otherwise stays "open"
   * forever and the workstation hears nothing until its next periodic pull.
   */
  readonly idleTimeoutMs: number;
}

/**
 * The `change` events of an SSE `body`, each checked against {@link ChangeEvent}; other event types are skipped. Ends
 * when the server closes the stream or `signal` aborts; throws {@link SyncRequestError} for the server's `error`
 * event (e.g. UNAUTHORIZED, PROFILE_REMOVED), {@link SyncOfflineError} when the connection breaks or (with `idle`)
 * stays silent too long, and {@link SyncProtocolError} on an event that is not the protocol's.
 */
export async function* readChangeEvents(body: ReadableStream<Uint8Array>, signal?: AbortSignal, idle?: FeedIdleLimit): AsyncGenerator<ChangeEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new EventStreamParser();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  let silentTooLong = false;
  let idleTimer: TimerHandle | null = null;
  const watchSilence = () => {
    if (!idle) return;
    if (idleTimer !== null) idle.clock.clearTimer(idleTimer);
    idleTimer = idle.clock.setTimer(() => {
      silentTooLong = true;
      void reader.cancel().catch(() => undefined);
    }, idle.idleTimeoutMs);
  };
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      watchSilence();
      try {
        chunk = await reader.read();
      } catch {
        if (signal?.aborted) return;
        throw new SyncOfflineError(silentTooLong ? 'timeout' : 'unreachable');
      }
      if (signal?.aborted) return;
      if (silentTooLong) throw new SyncOfflineError('timeout');
      const events = chunk.done ? parser.finish() : parser.push(decoder.decode(chunk.value, { stream: true }));
      for (const event of events) {
        if (event.type === 'error') throw feedErrorOf(event.data);
        if (event.type !== 'change') continue;
        yield parseChange(event.data);
      }
      if (chunk.done) return;
    }
  } finally {
    if (idle && idleTimer !== null) idle.clock.clearTimer(idleTimer);
    signal?.removeEventListener('abort', onAbort);
    // Leaving early (a `break` in the caller's loop) closes the connection instead of leaving it half-read.
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The server ends the feed with an `error` event when the token stops being good — a sign-out, its expiry, a
 * passphrase change elsewhere, IT removing the profile — carrying the protocol's error body.
 */
function feedErrorOf(data: string): Error {
  let json: unknown = null;
  try {
    json = JSON.parse(data);
  } catch {
    // Judged below like any other body that is not the protocol's.
  }
  const parsed = SyncErrorBody.safeParse(json);
  if (!parsed.success) return new SyncProtocolError(200, 'an error event without the protocol\'s error body');
  const { code, message, retryAfterMs, holderLabel } = parsed.data.error;
  return new SyncRequestError(code, message, 200, retryAfterMs ?? null, holderLabel ?? null);
}

function parseChange(data: string): ChangeEvent {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new SyncProtocolError(200, 'a change event that is not JSON');
  }
  const parsed = ChangeEvent.safeParse(json);
  if (!parsed.success) throw new SyncProtocolError(200, 'a change event without a change number');
  return parsed.data;
}
