/**
 * The UI's own figures, run by the store suite on its populated profile (the store is written once, there; 10,000
 * sessions with `--full`): Playwright drives the real app UI, and the page side (page/uiBenchPage.ts) times it from
 * inside the page.
 *
 * - `ui.first_paint_10k_sessions_ms`: lock, type the passphrase in the lock screen, press "Unlock"; from the form's
 *   submit to the frame drawn once the sidebar holds its first session rows with their titles. Median of N.
 * - `ui.stream_frame_p95_ms`: a long Markdown protocol streamed by the test server at one word per chunk every
 *   10 ms into the conversation view (intake form → "Get protocol", then follow-ups); p95 of the frame times.
 */
import type { Page } from '@playwright/test';
import { SETTINGS_DEFAULTS } from '../../src/shared/settings';
import type { FakeLlmServer } from '../../test/fakes/fakeLlmServer';
import type { ReportedResult } from '../results';
import { percentile } from '../stats';
import type { BenchWorkload } from './benchOptions';
import { fullStoreCaveat, type UiPlan } from './browserPlans';
import { streamedProtocol, type StreamedProtocol } from './streamedProtocol';
import type { FirstPaintSample, StreamFramesOutput, UiBenchPage } from './uiPageApi';

/** What the UI steps take from the store suite: its page and test server, the plan, and how to wait and log. */
export interface UiStepsInput {
  readonly page: Page;
  /** The suite's test server: paced only during the streams, then back to answering at once. */
  readonly llm: FakeLlmServer;
  readonly passphrase: string;
  readonly seed: number;
  readonly plan: UiPlan;
  /** The run's workload: anything but `full` marks the figures as scaled and says what the store held. */
  readonly workload: BenchWorkload;
  /** Sessions in the clinician's store (for the notes). */
  readonly storedSessions: number;
  readonly step: <T>(name: string, run: () => Promise<T>) => Promise<T>;
  /** Waits until the app's `vault.open`/`vault.index` calls have been quiet for `quietMs` (an indexing pass ended). */
  readonly quiet: (quietMs: number) => Promise<unknown>;
}

const fmt = (value: number, digits = 1): string => value.toFixed(digits);
const median = (values: readonly number[]): number => percentile(values, 50);

/** Calls one of the page bundle's UI functions. */
function callUi<K extends keyof UiBenchPage>(page: Page, name: K, input?: Parameters<UiBenchPage[K]>[0]): Promise<Awaited<ReturnType<UiBenchPage[K]>>> {
  return page.evaluate(
    ([fn, arg]) => {
      const bench = window.__cpaUiBench;
      if (!bench) throw new Error('the UI benchmark page bundle is not installed');
      return (bench[fn] as (input: unknown) => unknown)(arg);
    },
    [name, input] as const,
  ) as Promise<Awaited<ReturnType<UiBenchPage[K]>>>;
}

function throwIfProblems(what: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(`${what}: ${problems.slice(0, 5).join('; ')}`);
}

/** Lock, then unlock through the lock screen, `repetitions` times; each unlock timed until the list is drawn. */
async function firstPaints(input: UiStepsInput): Promise<FirstPaintSample[]> {
  const { page, passphrase, plan, quiet } = input;
  const samples: FirstPaintSample[] = [];
  const unlockButton = page.getByRole('button', { name: 'Unlock', exact: true });
  for (let rep = 0; rep < plan.firstPaintRepetitions; rep += 1) {
    // Locking ends the last unlock's indexing pass; main's answer to its call in flight is awaited too.
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await unlockButton.waitFor({ timeout: 30_000 });
    await quiet(500);
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    const armed = await callUi(page, 'armFirstPaint');
    throwIfProblems('first paint', armed.problems);
    await unlockButton.click();
    const painted = await callUi(page, 'firstPaint', { timeoutMs: 30_000 });
    throwIfProblems(`first paint ${rep + 1}`, painted.problems);
    if (painted.sample === null) throw new Error(`first paint ${rep + 1}: no sample`);
    if (painted.sample.untitledRows > 0) throw new Error(`first paint ${rep + 1}: ${painted.sample.untitledRows} rows without a title`);
    samples.push(painted.sample);
  }
  return samples;
}

/** The protocol streamed `plan.streams` times into the conversation view, frames timed in the page. */
async function streams(input: UiStepsInput, text: string): Promise<StreamFramesOutput[]> {
  const { page, llm, plan } = input;
  const outputs: StreamFramesOutput[] = [];
  llm.setChunkDelay(plan.chunkDelayMs);
  try {
    for (let rep = 0; rep < plan.streams; rep += 1) {
      llm.queueReply(text);
      if (rep === 0) {
        const newPatient = page.getByRole('button', { name: 'New patient', exact: true });
        if (await newPatient.isVisible()) await newPatient.click();
        await page.getByLabel('Age', { exact: true }).fill('60');
        await page.getByLabel('Sex').selectOption('male');
        await page.getByLabel('Chief complaint').fill('Fever and productive cough for 3 days');
        await callUi(page, 'armStreamFrames');
        await page.getByRole('button', { name: 'Get protocol', exact: true }).click();
      } else {
        await page.getByLabel('Follow-up').fill('Please restate the whole protocol with the latest results in mind.');
        await callUi(page, 'armStreamFrames');
        await page.getByRole('button', { name: 'Send follow-up', exact: true }).click();
      }
      const streamed = await callUi(page, 'streamFrames', { timeoutMs: 120_000 });
      throwIfProblems(`stream ${rep + 1}`, streamed.problems);
      outputs.push(streamed);
    }
  } finally {
    llm.setChunkDelay(0);
  }
  return outputs;
}

/**
 * The protocol the streams send, checked before anything is measured: a reply the test server would cut at the
 * app's `maxOutputTokens` would end as "incomplete" and time a different stream.
 */
export function checkedStreamedProtocol(seed: number): StreamedProtocol {
  const protocol = streamedProtocol(seed);
  if (protocol.tokens >= SETTINGS_DEFAULTS.maxOutputTokens) {
    throw new Error(`the streamed protocol (${protocol.tokens} tokens) would be cut at maxOutputTokens ${SETTINGS_DEFAULTS.maxOutputTokens}`);
  }
  return protocol;
}

/**
 * The first paints, on the page as the store suite left it (signed in, the store full). Each one ends with an
 * unlock, so the last leaves the app's indexing pass over the whole store running: the caller waits for it before
 * anything else is timed.
 */
export function measureFirstPaints(input: UiStepsInput): Promise<FirstPaintSample[]> {
  return input.step(`first paint of the sessions list after an unlock through the lock screen ×${input.plan.firstPaintRepetitions}`, () =>
    firstPaints(input),
  );
}

/** The streams, once no indexing pass runs (frames are timed); waits for the app to go quiet before and after. */
export async function measureStreams(input: UiStepsInput, protocol: StreamedProtocol): Promise<StreamFramesOutput[]> {
  const { plan, quiet, step } = input;
  await quiet(1_500);
  const streamed = await step(`${plan.streams} streamed protocol(s) in the conversation view (${plan.chunkDelayMs} ms per word)`, () =>
    streams(input, protocol.text),
  );
  await quiet(1_500);
  return streamed;
}

/** The UI's results and notes from what {@link measureFirstPaints} and {@link measureStreams} measured. */
export function uiFigures(
  input: UiStepsInput,
  protocol: StreamedProtocol,
  painted: readonly FirstPaintSample[],
  streamed: readonly StreamFramesOutput[],
): { results: ReportedResult[]; notes: string[] } {
  const { plan, workload, storedSessions } = input;
  const scaled = workload !== 'full';

  const paintedMs = painted.map((sample) => sample.paintedMs);
  const frameMs = streamed.flatMap((output) => output.frameMs);
  const updatingMs = streamed.flatMap((output) => output.updatingFrameMs);
  const intervalMs = streamed.flatMap((output) => output.intervalMs);
  const loafMs = streamed.flatMap((output) => output.loafMs);
  const framesOver = (ms: number) => frameMs.filter((value) => value > ms).length;
  const results: ReportedResult[] = [
    { id: 'ui.first_paint_10k_sessions_ms', value: median(paintedMs), unit: 'ms', goal: 1_000, better: 'lower', scaled },
    { id: 'ui.stream_frame_p95_ms', value: percentile(frameMs, 95), unit: 'ms', goal: 16, better: 'lower', scaled },
  ];
  const notes = [
    `first_paint: the app's real lock screen, ${painted.length} times on the store of ${storedSessions.toLocaleString('en-US')} sessions: ` +
      `"Lock", the passphrase typed in the lock screen, "Unlock" pressed (Playwright; the UI's unlock, not window.api.auth.unlock). ` +
      `Timed in the page from the unlock form's submit event (a capture listener, before the app's handler) to the end of the first ` +
      `frame drawn once the sidebar held its first session rows ([data-testid="session-row"], put in only once main opened their titles; ` +
      `MutationObserver, then requestAnimationFrame + a MessageChannel task after that frame's rendering): median ${fmt(median(paintedMs), 0)} ms, ` +
      `p95 ${fmt(percentile(paintedMs, 95), 0)} ms, min ${fmt(Math.min(...paintedMs), 0)}, max ${fmt(Math.max(...paintedMs), 0)} ` +
      `(${paintedMs.map((ms) => fmt(ms, 0)).join(', ')}). Of which: submit → app shell mounted (main's unlock, PBKDF2 included) median ` +
      `${fmt(median(painted.map((sample) => sample.shellMs)), 0)} ms; submit → titled rows in the DOM median ${fmt(median(painted.map((sample) => sample.rowsMs)), 0)} ms ` +
      `(first page of 50: sessionsPage, each row's turns counted, one vault.open); ${painted[0]?.rows ?? 0} rows rendered (the virtual list's ` +
      `rows in view), none untitled. Each unlock came after a lock that stopped the previous unlock's indexing pass and 0.5 s of quiet.` +
      fullStoreCaveat(workload, storedSessions),
    `stream_frame: the intake form filled and "Get protocol" pressed` +
      (plan.streams > 1 ? `, then ${plan.streams - 1} follow-up(s) sent from the follow-up box in the same session` : '') +
      `; the test server (the suite's own, paced only for these streams) sent the same Markdown protocol each time: ${protocol.words} ` +
      `whitespace-separated words and markers (${protocol.bytes} bytes; headings, numbered steps with bold labels, nested bullets, bold ` +
      `in sentences), one per chunk every ${plan.chunkDelayMs} ms (≈${fmt(1_000 / plan.chunkDelayMs, 0)} chunks/s, standing in for 100 tokens/s; ` +
      `the test server's own count is ${protocol.tokens} tokens at 4 bytes each). As the page saw it, first text to end: ${streamed
        .map((output) => `${fmt(output.streamMs / 1_000, 2)} s (≈${fmt(protocol.words / (output.streamMs / 1_000), 0)} chunks/s; ${output.words} words shown)`)
        .join(', ')}. Frame time = from a frame's requestAnimationFrame timestamp to the first task after its rendering update (the ` +
      `app's re-render of the answer — once per frame, TurnView — plus style, layout and paint), every frame from the answer's first text to ` +
      `the frame after aria-busy went false: p95 ${fmt(percentile(frameMs, 95), 2)} ms over ${frameMs.length} frames, p50 ` +
      `${fmt(median(frameMs), 2)}, max ${fmt(Math.max(...frameMs), 1)} ms, ${framesOver(16)} over 16 ms, ${framesOver(50)} over 50 ms; per stream p95 ` +
      `${streamed.map((output) => fmt(percentile(output.frameMs, 95), 2)).join(', ')} ms. Frames in which the answer's DOM changed: ` +
      `${updatingMs.length}, p95 ${fmt(percentile(updatingMs, 95), 2)} ms. Frame interval (rAF deltas) p50 ${fmt(median(intervalMs), 1)} ms, ` +
      `p95 ${fmt(percentile(intervalMs, 95), 1)}, max ${fmt(Math.max(...intervalMs), 1)}. ` +
      (streamed[0]?.loafSupported
        ? `long-animation-frame entries (≥ 50 ms): ${loafMs.length}${loafMs.length > 0 ? `, longest ${fmt(Math.max(...loafMs), 1)} ms` : ''}.`
        : 'long-animation-frame NOT supported by this Chromium.') +
      ` First text ${streamed.map((output) => fmt(output.firstTextMs, 0)).join('/')} ms after submit.`,
  ];
  return { results, notes };
}
