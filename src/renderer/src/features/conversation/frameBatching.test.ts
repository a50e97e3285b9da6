import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';

vi.mock('../../stores/appStore', () => ({ appStore: createStore(() => ({})) }));
const { batchToFrames } = await import('./frameBatching');

/** Frames that run only when the test says a frame has passed. */
function manualFrames() {
  const queued = new Map<number, () => void>();
  let next = 1;
  return {
    request: (callback: () => void) => {
      queued.set(next, callback);
      return next++;
    },
    cancel: (handle: number) => void queued.delete(handle),
    runFrame: () => {
      const callbacks = [...queued.values()];
      queued.clear();
      callbacks.forEach((callback) => callback());
    },
    get pending() {
      return queued.size;
    },
  };
}

describe('batchToFrames', () => {
  it('tells the listener once per frame however many deltas arrived in it', () => {
    const store = createStore<{ answer: string }>(() => ({ answer: '' }));
    const frames = manualFrames();
    const renders: string[] = [];
    const unsubscribe = batchToFrames(store.subscribe, frames)(() => renders.push(store.getState().answer));

    for (const delta of ['Assess ', 'airway, ', 'breathing, ', 'circulation.']) store.setState((s) => ({ answer: s.answer + delta }));
    expect(renders).toEqual([]);
    expect(frames.pending).toBe(1);
    frames.runFrame();
    expect(renders).toEqual(['Assess airway, breathing, circulation.']);

    store.setState({ answer: 'next' });
    store.setState({ answer: 'next frame' });
    frames.runFrame();
    expect(renders).toEqual(['Assess airway, breathing, circulation.', 'next frame']);

    frames.runFrame();
    expect(renders).toHaveLength(2);
    unsubscribe();
  });

  it('cancels a pending notification on unsubscribe', () => {
    const store = createStore<{ n: number }>(() => ({ n: 0 }));
    const frames = manualFrames();
    const listener = vi.fn();
    const unsubscribe = batchToFrames(store.subscribe, frames)(listener);
    store.setState({ n: 1 });
    unsubscribe();
    expect(frames.pending).toBe(0);
    store.setState({ n: 2 });
    frames.runFrame();
    expect(listener).not.toHaveBeenCalled();
  });
});
