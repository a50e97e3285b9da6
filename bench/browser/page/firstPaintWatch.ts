/// <reference lib="dom" />
/**
 * `ui.first_paint_10k_sessions_ms`, page side: from the lock screen's submit (the clinician pressed "Unlock") to
 * the end of the first frame drawn once the sessions sidebar holds its first rows with their titles. The list puts
 * its rows in only after main has opened the page's session records (historySlice's first page), so rows in the DOM
 * are rows with titles; a row main could not open shows UNTITLED_ROW and is counted.
 */
import type { FirstPaintOutput, FirstPaintSample } from '../uiPageApi';
import { afterNextFrame, onNextSubmit, withTimeout } from './frameTiming';

/** The app's hooks, read from src/renderer/src/features (SessionRow.tsx, AccountControls.tsx). */
const ROW = '[data-testid="session-row"]';
const SHELL = '[data-testid="signed-in-as"]';
/** SessionRow.tsx's UNTITLED_ROW (its aria-label when the title could not be opened); not importable here. */
const UNTITLED_ROW = 'Session (title could not be opened)';

let pending: Promise<FirstPaintOutput> | null = null;

export function armFirstPaint(): { armed: boolean; problems: string[] } {
  const problems: string[] = [];
  if (document.querySelector(ROW) !== null) problems.push('session rows were in the DOM before the unlock (the page was not locked)');
  pending = new Promise((resolve) => {
    let submittedAt = Number.NaN;
    let shellAt = Number.NaN;
    const observer = new MutationObserver(() => {
      const at = performance.now();
      if (Number.isNaN(shellAt) && document.querySelector(SHELL) !== null) shellAt = at;
      const rows = Array.from(document.querySelectorAll(ROW));
      if (rows.length === 0) return;
      observer.disconnect();
      const untitledRows = rows.filter((row) => row.getAttribute('aria-label') === UNTITLED_ROW).length;
      void afterNextFrame().then((paintedAt) => {
        const sample: FirstPaintSample = {
          shellMs: shellAt - submittedAt,
          rowsMs: at - submittedAt,
          paintedMs: paintedAt - submittedAt,
          rows: rows.length,
          untitledRows,
        };
        resolve({ sample, problems });
      });
    });
    onNextSubmit((at) => {
      submittedAt = at;
      observer.observe(document.body, { childList: true, subtree: true });
    });
  });
  return { armed: true, problems };
}

export async function firstPaint({ timeoutMs }: { timeoutMs: number }): Promise<FirstPaintOutput> {
  if (pending === null) return { sample: null, problems: ['firstPaint called before armFirstPaint'] };
  try {
    return await withTimeout(pending, timeoutMs, 'the sessions list after the unlock');
  } catch (error) {
    return { sample: null, problems: [(error as Error).message] };
  } finally {
    pending = null;
  }
}
