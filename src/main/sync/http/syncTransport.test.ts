import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TestClock } from '../../../../test/support/testClock';
import { SyncProtocolError } from './syncClientErrors';
import { MAX_SYNC_RESPONSE_BYTES, sendSyncRequest, type SyncTransport } from './syncTransport';

/** A 200 answer streamed in `chunks`; `pulled` counts the chunks the reader asked for, `cancelled` its cancel. */
function streamed(chunks: (index: number) => Uint8Array | null) {
  const state = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks(state.pulled);
      state.pulled += 1;
      if (chunk === null) controller.close();
      else controller.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { response: new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }), state };
}

function transportAnswering(response: Response): SyncTransport {
  return { baseUrl: new URL('https://sync.clinic.example/'), fetch: async () => response, clock: new TestClock(), timeoutMs: 10_000 };
}

describe('sync answers', () => {
  it('are refused as a protocol error past 64 MiB, and the rest of the body is not read', async () => {
    const mebibyte = new Uint8Array(1024 * 1024).fill(0x20);
    const endless = streamed(() => mebibyte);
    const refused = sendSyncRequest(transportAnswering(endless.response), { method: 'GET', path: 'v1/changes', output: z.unknown() });
    await expect(refused).rejects.toThrow(SyncProtocolError);
    await expect(refused).rejects.toThrow(/larger than 64 MiB/);
    expect(endless.state.cancelled).toBe(true);
    expect(endless.state.pulled).toBeLessThanOrEqual(MAX_SYNC_RESPONSE_BYTES / mebibyte.byteLength + 3);
  });

  it('are read whole across chunks, with a character split between two of them', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ label: 'Salle d’examen — 2' }));
    const split = bytes.indexOf(0xe2) + 1; // inside the first multi-byte character
    const answer = streamed((index) => [bytes.subarray(0, split), bytes.subarray(split)][index] ?? null);
    const read = await sendSyncRequest(transportAnswering(answer.response), { method: 'GET', path: 'v1/profile', output: z.object({ label: z.string() }) });
    expect(read).toEqual({ label: 'Salle d’examen — 2' });
  });
});
