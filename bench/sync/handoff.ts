/**
 * `sync.handoff_p95_ms`: a turn completed on workstation A until workstation B's main delivers it to B's page
 * (`vault.record`, what makes B's sidebar show it; the page's own IndexedDB write, a few ms, is not included).
 * Both workstations are main wired as the app wires it, live feed on, default sync settings (so A's push waits for
 * its 500 ms debounce, as in the app), the clinician signed in on both. A's turn counts as completed when A's main
 * delivered the turn's final version to A's page (sealed, before its answer returns).
 */
import type { ProtocolResponse } from '../../src/shared/protocol';
import { TEST_PASSPHRASE } from '../../test/support/mainForTests';
import { percentile } from '../stats';
import { sessionScript, STANDARD_SIZES } from '../workload';
import { startWorkstation, syncedAndDrained, type BenchMain } from './workstations';

/** How many turns are timed. */
export interface HandoffPlan {
  readonly sessions: number;
  readonly turnsPerSession: number;
  /** Turns run first and not timed (connections, JIT). */
  readonly warmup: number;
}

/** What the handoff measured. */
export interface HandoffFigures {
  readonly samplesMs: readonly number[];
  readonly p50Ms: number;
  readonly p95Ms: number;
}

const WAIT_MS = 15_000;

/** Runs the handoff on two workstations of one clinician; `llm` answers at once. */
export async function measureHandoff(syncUrl: string, llmBaseUrl: string, plan: HandoffPlan, seed: number): Promise<HandoffFigures> {
  const started: BenchMain[] = [];
  try {
    const name = `Dr Handoff ${Math.floor(seed % 100_000)}`;
    const a = await startWorkstation({ llmBaseUrl, syncUrl, label: 'Triage 1', name, signIn: true });
    started.push(a);
    await syncedAndDrained(a.main, WAIT_MS);
    const b = await startWorkstation({ llmBaseUrl, syncUrl, label: 'Exam room 2', signIn: false });
    started.push(b);
    await b.main.callOk('auth.signInWithClinicProfile', { name, passphrase: TEST_PASSPHRASE });
    await syncedAndDrained(b.main, WAIT_MS);

    const samples: number[] = [];
    const total = plan.warmup + plan.sessions * plan.turnsPerSession;
    let sessionId: string | null = null;
    for (let turn = 0; turn < total; turn += 1) {
      const within = turn % plan.turnsPerSession;
      const script = sessionScript(seed, Math.floor(turn / plan.turnsPerSession), plan.turnsPerSession, STANDARD_SIZES);
      const message = script.exchanges[within]?.userText ?? 'Next step?';
      const answer: ProtocolResponse = await a.main.callOk<ProtocolResponse>(
        'protocol.generate',
        within === 0 || sessionId === null ? { patient: script.patient } : { sessionId, message },
      );
      sessionId = answer.sessionId;
      const completed = a.clock.delivered.get(answer.turnId);
      if (completed === undefined) throw new Error("A's turn was answered but never delivered to A's page");
      const shown = await b.clock.until(answer.turnId, completed.version, WAIT_MS);
      if (turn >= plan.warmup) samples.push(shown - completed.at);
    }
    return { samplesMs: samples, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) };
  } finally {
    for (const workstation of started) await workstation.main.close();
  }
}
