/**
 * What the UI benchmark's page side (`page/uiBenchPage.ts`, in the same init-script bundle as the store's) offers the
 * Node side (`uiSuite.ts`), and what it answers. Types only, shared by both sides.
 *
 * Each watch is armed before Playwright acts on the real UI (the click on "Unlock", "Get protocol", "Send
 * follow-up"), then awaited: the page times from the form's `submit` event, which a capture listener on `window`
 * sees before the app's own handler runs.
 */

/** Name of the global the page bundle installs (`window.__cpaUiBench`). */
export const UI_PAGE_GLOBAL = '__cpaUiBench';

/** One unlock through the lock screen, until the sessions list is on screen. */
export interface FirstPaintSample {
  /** From the lock screen's submit to the app shell mounting (`signed-in-as` in the DOM): main's unlock, KDF included. */
  readonly shellMs: number;
  /** From submit to the first session rows in the DOM with their titles (main opened them). */
  readonly rowsMs: number;
  /** From submit to the end of the first frame drawn after that (the measured figure). */
  readonly paintedMs: number;
  /** Rows in the DOM then (the virtual list renders those in view), and how many had no title. */
  readonly rows: number;
  readonly untitledRows: number;
}

export interface FirstPaintOutput {
  readonly sample: FirstPaintSample | null;
  readonly problems: readonly string[];
}

/** Frame times in the page while one answer streams into the conversation view. */
export interface StreamFramesOutput {
  /** Per frame of the stream: from its start (the rAF timestamp) to the first task after its rendering update. */
  readonly frameMs: readonly number[];
  /** The same, only the frames in which the streaming answer's DOM changed. */
  readonly updatingFrameMs: readonly number[];
  /** Deltas between consecutive rAF timestamps (the frame interval; 16.7 ms at 60 Hz). */
  readonly intervalMs: readonly number[];
  /** From submit to the answer's first text, and from that to the answer no longer busy. */
  readonly firstTextMs: number;
  readonly streamMs: number;
  /** Whitespace-separated words and characters of the answer as shown at the end. */
  readonly words: number;
  readonly chars: number;
  /** `long-animation-frame` entries (frames ≥ 50 ms) during the stream, when Chromium supports them. */
  readonly loafSupported: boolean;
  readonly loafMs: readonly number[];
  readonly problems: readonly string[];
}

/** The page bundle's UI functions, called with `page.evaluate`. */
export interface UiBenchPage {
  /** Arms the watch of the next unlock; fails if session rows are already in the DOM. */
  armFirstPaint(): { armed: boolean; problems: string[] };
  firstPaint(input: { timeoutMs: number }): Promise<FirstPaintOutput>;
  /** Arms the watch of the next streamed answer (the next `submit` of the intake or follow-up form). */
  armStreamFrames(): { armed: boolean };
  streamFrames(input: { timeoutMs: number }): Promise<StreamFramesOutput>;
}
