/**
 * Streaming re-renders at most once per animation frame: a subscription whose notifications are coalesced into the
 * next frame. Deltas arrive far faster than the screen refreshes; re-parsing and re-rendering the Markdown answer
 * for each one would only burn the main thread.
 */
import { useSyncExternalStore } from 'react';
import { appStore } from '../../stores/appStore';
import type { AppState } from '../../stores/types';

/** Schedules a callback for the next frame and cancels it (requestAnimationFrame in the page). */
export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

/** The page's animation frames. */
export const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(() => callback()),
  cancel: (handle) => cancelAnimationFrame(handle),
};

/** A store subscription (`subscribe(listener)` returns the unsubscribe). */
export type Subscribe = (listener: () => void) => () => void;

/**
 * Wraps `subscribe` so that however many changes happen within a frame, the listener hears of them once, in the
 * next frame. Unsubscribing cancels a pending notification.
 */
export function batchToFrames(subscribe: Subscribe, frames: FrameScheduler): Subscribe {
  return (listener) => {
    let pending: number | null = null;
    const unsubscribe = subscribe(() => {
      if (pending !== null) return;
      pending = frames.request(() => {
        pending = null;
        listener();
      });
    });
    return () => {
      if (pending !== null) frames.cancel(pending);
      pending = null;
      unsubscribe();
    };
  };
}

const frameBatchedSubscribe = batchToFrames((listener) => appStore.subscribe(listener), animationFrames);

/**
 * Like `useAppStore(selector)`, but re-renders at most once per animation frame. For what changes with every
 * streamed delta (the answer being written); everything else reads the store directly.
 */
export function useFrameBatchedAppStore<T>(selector: (state: AppState) => T): T {
  return useSyncExternalStore(frameBatchedSubscribe, () => selector(appStore.getState()));
}
