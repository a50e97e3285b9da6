/**
 * Metric 4 — time-to-first-token overhead: how much later the first `protocol.delta` leaves main than the first
 * content delta reaches a bare `openai` SDK client asking the same server for the same prompt.
 *
 * Ours runs from the registrar's handler receiving `protocol.generate` (a new session's first turn: session
 * created, patient validated, the message and the system prompt counted through the server's `/tokenize`, the
 * prompt planned) to the first delta event sent. Direct runs from `chat.completions.create` to the first
 * non-empty content delta. The two alternate (ABBA order) so drift on a noisy machine hits both alike, and the
 * overhead is reported as the p95 of the matched-pair differences (ours_i − direct_i).
 */
import OpenAI from 'openai';
import { buildPrompt, turnUserText } from '../src/main/llm/buildPrompt';
import { SETTINGS_DEFAULTS } from '../src/shared/settings';
import { startApp } from './appUnderTest';
import { BENCH_MODEL } from './engineSessions';
import { startFakeServerProcess } from './fakeServer';
import { deriveSeed, mulberry32 } from './prng';
import { percentile } from './stats';
import { clinicalPatient, STANDARD_SIZES, userMessage } from './workload';

/** What the TTFT comparison measured, in milliseconds. */
export interface TtftResult {
  /** p95 of ours − direct over matched pairs. */
  readonly overheadP95Ms: number;
  readonly overheadP50Ms: number;
  readonly oursP50Ms: number;
  readonly oursP95Ms: number;
  readonly directP50Ms: number;
  readonly directP95Ms: number;
  readonly pairs: number;
}

/** Runs `warmup` unrecorded pairs, then `pairs` recorded ones, against a test server that streams at once. */
export async function measureTtft(seed: number, pairs: number, warmup: number): Promise<TtftResult> {
  const server = await startFakeServerProcess({ chunkDelayMs: 0 });
  const app = await startApp(server.baseURL);
  const direct = new OpenAI({ baseURL: server.baseURL, apiKey: 'no-key', maxRetries: 0, fetch: globalThis.fetch });
  const random = mulberry32(deriveSeed(seed, 4));
  const ours: number[] = [];
  const bare: number[] = [];
  try {
    for (let index = 0; index < warmup + pairs; index += 1) {
      const patient = clinicalPatient(random);
      const message = userMessage(random, STANDARD_SIZES);
      const runOurs = async (): Promise<number> => {
        const senderId = `ttft-${index}`;
        await app.generate(senderId, { patient, message });
        const received = app.transport.receivedAt.get(senderId);
        const first = app.transport.firstDeltaAt.get(senderId);
        if (received === undefined || first === undefined) throw new Error('TTFT: the turn streamed no delta.');
        return first - received;
      };
      const runDirect = async (): Promise<number> => {
        // The same prompt the app sends for this first turn, with the app's sampling settings.
        const messages = buildPrompt(patient, [], turnUserText(message, [], true));
        const startedAt = performance.now();
        const stream = await direct.chat.completions.create({
          model: BENCH_MODEL,
          messages,
          temperature: SETTINGS_DEFAULTS.temperature,
          max_tokens: SETTINGS_DEFAULTS.maxOutputTokens,
          stream: true,
          stream_options: { include_usage: true },
        });
        let firstAt: number | undefined;
        // Read to the end, as the app does, so both sides leave the connection in the same state.
        for await (const chunk of stream) if (firstAt === undefined && chunk.choices[0]?.delta?.content) firstAt = performance.now();
        if (firstAt === undefined) throw new Error('TTFT: the direct stream had no content.');
        return firstAt - startedAt;
      };
      // ABBA: even pairs run ours first, odd ones direct first, so neither side always follows the other.
      let oursMs: number;
      let directMs: number;
      if (index % 2 === 0) {
        oursMs = await runOurs();
        directMs = await runDirect();
      } else {
        directMs = await runDirect();
        oursMs = await runOurs();
      }
      app.transport.clearSent();
      if (index < warmup) continue;
      ours.push(oursMs);
      bare.push(directMs);
    }
  } finally {
    await app.close();
    await server.close();
  }
  const differences = ours.map((value, index) => value - (bare[index] as number));
  return {
    overheadP95Ms: percentile(differences, 95),
    overheadP50Ms: percentile(differences, 50),
    oursP50Ms: percentile(ours, 50),
    oursP95Ms: percentile(ours, 95),
    directP50Ms: percentile(bare, 50),
    directP95Ms: percentile(bare, 95),
    pairs,
  };
}
