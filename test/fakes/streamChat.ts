import {
  completionChunk,
  sseData,
  usageChunk,
  type CompletionMeta,
  type FinishReason,
  type Usage,
} from './chatShapes.js';
import type { Exchange } from './exchange.js';
import { sleep, write } from './http.js';
import { splitIntoChunks } from './splitIntoChunks.js';
import type { Fault } from './types.js';

/** The faults that act in the middle of a stream. */
export type StreamFault = Extract<Fault, { kind: 'cutAfter' | 'malformedChunk' }>;

/** What to stream for one completion. */
export interface StreamScript {
  meta: CompletionMeta;
  content: string;
  finishReason: FinishReason;
  /** Sent as a final `choices: []` chunk when the client asked for it. */
  usage: Usage | undefined;
  fault: StreamFault | undefined;
  /** Read before every chunk so `setChunkDelay` also affects a stream in progress. */
  chunkDelayMs: () => number;
}

/**
 * Streams a completion as server-sent events in vLLM's order: a role chunk,
 * content chunks, a finish chunk, an optional usage chunk, then `[DONE]`.
 * Stops quietly when the client goes away.
 */
export async function streamChat(exchange: Exchange, script: StreamScript): Promise<void> {
  const { response, signal } = exchange;
  const { meta, fault } = script;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let first = true;
  // Every event but the first waits for the chunk delay, so streaming is visible in the UI.
  const send = async (payload: string): Promise<boolean> => {
    if (!first && !(await sleep(script.chunkDelayMs(), signal))) return false;
    first = false;
    return write(response, payload);
  };

  if (!(await send(sseData(completionChunk(meta, { role: 'assistant', content: '' }, null))))) return;
  const pieces = splitIntoChunks(script.content);
  for (let sent = 0; sent <= pieces.length; sent += 1) {
    if (fault?.kind === 'cutAfter' && sent === Math.min(fault.chunks, pieces.length)) {
      exchange.hangUp();
      return;
    }
    if (fault?.kind === 'malformedChunk' && sent === Math.min(fault.afterChunks, pieces.length)) {
      if (!(await send('data: {not json\n\n'))) return;
    }
    const piece = pieces[sent];
    if (piece !== undefined && !(await send(sseData(completionChunk(meta, { content: piece }, null))))) return;
  }
  if (!(await send(sseData(completionChunk(meta, {}, script.finishReason))))) return;
  if (script.usage !== undefined && !(await send(sseData(usageChunk(meta, script.usage))))) return;
  if (!(await send(sseData('[DONE]')))) return;
  response.end();
}
