/// <reference lib="dom" />
/**
 * `ui.stream_frame_p95_ms`, page side: frame times while an answer streams into the app's conversation view
 * (TurnView's `data-testid="answer"`, Markdown re-rendered at most once per frame by the app).
 *
 * A frame's time runs from its start — the timestamp Chromium gives its `requestAnimationFrame` callbacks — to the
 * first task after its rendering update (a message posted from the watch's own rAF callback, which runs before the
 * app's because it was registered a frame earlier): the main thread's work on that frame, including any task that
 * made the frame start late, as a `long-animation-frame` entry's duration counts it. Watched from the answer's first
 * text to the frame after the answer stops being busy (`aria-busy="false"`: the stream ended). `long-animation-frame`
 * entries (frames of 50 ms or more) are collected too, where Chromium supports them.
 */
import type { StreamFramesOutput } from '../uiPageApi';
import { onNextSubmit, withTimeout } from './frameTiming';

const ANSWER = '[data-testid="answer"]';

let pending: Promise<StreamFramesOutput> | null = null;

export function armStreamFrames(): { armed: boolean } {
  pending = new Promise((resolve) => {
    const problems: string[] = [];
    const frames: { ms: number; changed: boolean }[] = [];
    const intervalMs: number[] = [];
    const loafSupported = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame');
    const loafs: { startTime: number; duration: number }[] = [];
    const loafObserver = loafSupported
      ? new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) loafs.push({ startTime: entry.startTime, duration: entry.duration });
        })
      : null;
    let submittedAt = Number.NaN;
    let firstTextAt = Number.NaN;
    let answerIndex = 0;
    let running = false;
    let changed = false;
    let lastFrameAt: number | null = null;

    const channel = new MessageChannel();
    channel.port1.onmessage = (event: MessageEvent<number>) => {
      frames.push({ ms: performance.now() - event.data, changed });
    };
    const frame = (timestamp: number) => {
      if (!running) return;
      requestAnimationFrame(frame);
      if (lastFrameAt !== null) intervalMs.push(timestamp - lastFrameAt);
      lastFrameAt = timestamp;
      changed = false;
      channel.port2.postMessage(timestamp);
    };

    const observer = new MutationObserver((records) => {
      const answer = document.querySelectorAll(ANSWER)[answerIndex];
      if (answer === undefined) return;
      if (records.some((record) => answer.contains(record.target))) changed = true;
      if (!running && Number.isNaN(firstTextAt) && (answer.textContent ?? '') !== '') {
        firstTextAt = performance.now();
        running = true;
        loafObserver?.observe({ type: 'long-animation-frame' });
        requestAnimationFrame(frame);
      }
      if (running && answer.getAttribute('aria-busy') === 'false') {
        const endedAt = performance.now();
        observer.disconnect();
        // The frame that drew the end is the last one counted.
        requestAnimationFrame(() => {
          running = false;
          setTimeout(() => {
            channel.port1.close();
            if (loafObserver) {
              for (const entry of loafObserver.takeRecords()) loafs.push({ startTime: entry.startTime, duration: entry.duration });
              loafObserver.disconnect();
            }
            const text = answer.textContent ?? '';
            // The turn's note is a live region that is always there; only a note with text means incomplete or not stored.
            const notes = Array.from(answer.closest('.turn')?.querySelectorAll('.turn-note') ?? []).filter((note) => (note.textContent ?? '').trim() !== '');
            if (notes.length > 0) problems.push('the answer ended with a note (incomplete or not stored)');
            resolve({
              frameMs: frames.map((f) => f.ms),
              updatingFrameMs: frames.filter((f) => f.changed).map((f) => f.ms),
              intervalMs,
              firstTextMs: firstTextAt - submittedAt,
              streamMs: endedAt - firstTextAt,
              words: text.split(/\s+/).filter((word) => word !== '').length,
              chars: text.length,
              loafSupported,
              loafMs: loafs.filter((entry) => entry.startTime >= firstTextAt).map((entry) => entry.duration),
              problems,
            });
          }, 100);
        });
      }
    });
    onNextSubmit((at) => {
      submittedAt = at;
      // The new turn's answer comes after those already shown (none on the intake form).
      answerIndex = document.querySelectorAll(ANSWER).length;
      observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-busy'] });
    });
  });
  return { armed: true };
}

export async function streamFrames({ timeoutMs }: { timeoutMs: number }): Promise<StreamFramesOutput> {
  if (pending === null) throw new Error('streamFrames called before armStreamFrames');
  try {
    return await withTimeout(pending, timeoutMs, 'the streamed answer');
  } finally {
    pending = null;
  }
}
