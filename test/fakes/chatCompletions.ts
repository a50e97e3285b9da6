import { chatCompletion, usageOf, type CompletionMeta, type FinishReason } from './chatShapes.js';
import { checkChatRequest, type ChatPlan } from './chatRequest.js';
import { estimateTokens, truncateToTokens } from './estimateTokens.js';
import type { Exchange } from './exchange.js';
import { sendError, sendJson, sleep, write } from './http.js';
import { streamChat, type StreamFault } from './streamChat.js';
import type { Fault, FakeModel, Reply } from './types.js';

/** The server state the chat route reads and consumes. */
export interface ChatScript {
  models: readonly FakeModel[];
  /** Next queued fault, if any (consumed). */
  takeFault(): Fault | undefined;
  /** Next queued reply, or the default (consumed); called only when an answer is produced. */
  takeReply(): Reply;
  /** Counts an answered completion and returns its 1-based number. */
  countAnswer(): number;
  chunkDelayMs(): number;
}

/**
 * Answers POST /v1/chat/completions from the script.
 *
 * A queued fault is consumed by every chat request, valid or not; a reply is
 * consumed only when an answer is actually produced, so "fail once, then
 * answer" scripts work with client retries.
 */
export async function handleChatCompletion(exchange: Exchange, script: ChatScript): Promise<void> {
  const { response, signal } = exchange;
  const fault = script.takeFault();
  switch (fault?.kind) {
    case 'refuse':
      exchange.hangUp();
      return;
    case 'hang':
      // Nothing is sent; the exchange ends when the client or the server closes.
      return;
    case 'status':
      sendError(response, fault.status, fault.message ?? `Scripted HTTP ${fault.status} from the test server.`, {
        headers: fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
      });
      return;
    case 'delay':
      if (!(await sleep(fault.ms, signal))) return;
      break;
    default:
      break;
  }

  const checked = checkChatRequest(exchange.recorded.body, script.models);
  if (!('model' in checked)) {
    sendError(response, checked.status, checked.message);
    return;
  }
  const number = script.countAnswer();
  const reply = script.takeReply();
  const text = typeof reply === 'function' ? reply(exchange.recorded) : reply;
  const { content, finishReason } = limitCompletion(text, checked);
  const usage = usageOf(checked.promptTokens, estimateTokens(content));
  const meta: CompletionMeta = {
    id: `chatcmpl-fake-${number}`,
    created: Math.floor(Date.now() / 1000),
    model: checked.model.id,
  };
  const streamFault = fault?.kind === 'cutAfter' || fault?.kind === 'malformedChunk' ? fault : undefined;

  if (checked.stream) {
    await streamChat(exchange, {
      meta,
      content,
      finishReason,
      usage: checked.includeUsage ? usage : undefined,
      fault: streamFault,
      chunkDelayMs: () => script.chunkDelayMs(),
    });
    return;
  }
  const body = chatCompletion(meta, content, finishReason, usage);
  if (streamFault === undefined) sendJson(response, 200, body);
  else await sendBrokenJson(exchange, JSON.stringify(body), streamFault);
}

/**
 * Truncates the reply to the completion budget: `max_tokens` when given,
 * otherwise what is left of the context window (vLLM's default).
 */
function limitCompletion(text: string, plan: ChatPlan): { content: string; finishReason: FinishReason } {
  const budget =
    plan.maxTokens ?? (plan.model.maxModelLen === undefined ? Infinity : plan.model.maxModelLen - plan.promptTokens);
  if (estimateTokens(text) <= budget) return { content: text, finishReason: 'stop' };
  return { content: truncateToTokens(text, budget), finishReason: 'length' };
}

/**
 * The non-streaming form of the mid-stream faults: `cutAfter` sends half the
 * body and drops the connection, `malformedChunk` sends a body that is not JSON.
 */
async function sendBrokenJson(exchange: Exchange, text: string, fault: StreamFault): Promise<void> {
  const { response } = exchange;
  if (fault.kind === 'malformedChunk') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{not json');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  await write(response, text.slice(0, Math.floor(text.length / 2)));
  exchange.hangUp();
}
