import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../../test/support/testClock';
import { readChangeEvents } from './changeEventStream';
import { SyncOfflineError, SyncProtocolError } from './syncClientErrors';

/** A body that delivers `chunks` one by one, then closes (or fails with `failure`). */
function bodyOf(chunks: readonly string[], failure?: Error): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk !== undefined) controller.enqueue(encoder.encode(chunk));
      else if (failure) controller.error(failure);
      else controller.close();
    },
  });
}

async function collect(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  for await (const event of stream) seen.push(event);
  return seen;
}

describe('the live change feed', () => {
  it('yields each change event, whatever the chunking, line endings, comments and other events around it', async () => {
    const text = ': keep-alive\r\n\r\nevent: change\r\ndata: {"changeNo":3}\r\n\r\nevent: hello\ndata: {}\n\nevent:change\rdata:{"changeNo":4}\r\r';
    const everyByte = [...text];
    expect(await collect(readChangeEvents(bodyOf(everyByte)))).toEqual([{ changeNo: 3 }, { changeNo: 4 }]);
    expect(await collect(readChangeEvents(bodyOf([text])))).toEqual([{ changeNo: 3 }, { changeNo: 4 }]);
  });

  it('ends quietly when the server closes the stream, even mid-event (that event is not delivered)', async () => {
    expect(await collect(readChangeEvents(bodyOf(['event: change\ndata: {"changeNo":1}\n\nevent: change\ndata: {"chan'])))).toEqual([{ changeNo: 1 }]);
  });

  it.each([
    ['data that is not JSON', 'event: change\ndata: soon\n\n'],
    ['data without a change number', 'event: change\ndata: {"changeNo":-1}\n\n'],
    ['an endless line', `event: change\ndata: ${'9'.repeat(20_000)}`],
  ])('refuses %s as a protocol error', async (_name, text) => {
    await expect(collect(readChangeEvents(bodyOf([text])))).rejects.toBeInstanceOf(SyncProtocolError);
  });

  it("ends with the server's error when it closes the feed with one (a removed profile, an expired token)", async () => {
    const text = 'event: change\ndata: {"changeNo":1}\n\nevent: error\ndata: {"error":{"code":"PROFILE_REMOVED","message":"Removed by IT."}}\n\n';
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const event of readChangeEvents(bodyOf([text]))) seen.push(event);
    })();
    await expect(reading).rejects.toMatchObject({ name: 'SyncRequestError', code: 'PROFILE_REMOVED' });
    expect(seen).toEqual([{ changeNo: 1 }]);
    await expect(collect(readChangeEvents(bodyOf(['event: error\ndata: {"code":"nope"}\n\n'])))).rejects.toBeInstanceOf(SyncProtocolError);
  });

  it('reports a broken connection as offline', async () => {
    await expect(collect(readChangeEvents(bodyOf(['event: change\ndata: {"changeNo":1}\n\n'], new Error('reset'))))).rejects.toBeInstanceOf(
      SyncOfflineError,
    );
  });

  it('stops when the caller aborts, with the stream still open', async () => {
    const controller = new AbortController();
    const never = new ReadableStream<Uint8Array>({ start: (stream) => stream.enqueue(new TextEncoder().encode('event: change\ndata: {"changeNo":9}\n\n')) });
    const seen: unknown[] = [];
    for await (const event of readChangeEvents(never, controller.signal)) {
      seen.push(event);
      controller.abort();
    }
    expect(seen).toEqual([{ changeNo: 9 }]);
  });
});

describe('a silent live feed', () => {
  it('counts as dead (offline, timeout) once nothing, not even a keep-alive, arrived for the idle limit', async () => {
    const clock = new TestClock();
    const encoder = new TextEncoder();
    let push: ((text: string) => void) | null = null;
    const body = new ReadableStream<Uint8Array>({ start: (stream) => void (push = (text) => stream.enqueue(encoder.encode(text))) });
    const feed = readChangeEvents(body, undefined, { clock, idleTimeoutMs: 45_000 });
    push!('event: change\ndata: {"changeNo":1}\n\n');
    expect((await feed.next()).value).toEqual({ changeNo: 1 });
    const next = feed.next();
    clock.advance(30_000);
    push!(': heartbeat\n\n');
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    // The keep-alive restarted the wait: 30 s more is still within the limit.
    clock.advance(30_000);
    push!('event: change\ndata: {"changeNo":2}\n\n');
    expect((await next).value).toEqual({ changeNo: 2 });
    const silent = feed.next();
    clock.advance(45_000);
    await expect(silent).rejects.toMatchObject({ kind: 'offline', reason: 'timeout' });
    expect(clock.pendingTimers).toBe(0);
  });
});
