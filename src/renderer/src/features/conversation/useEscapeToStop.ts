import { useEffect } from 'react';
import { useAppStore } from '../../stores/appStore';

/**
 * Esc stops the running answer, wherever the focus is — the keyboard twin of the Stop button (a clinician who sees
 * the answer going the wrong way should not have to find the button). Only while a turn runs; an Esc meant for
 * something else (a composing IME, an open native picker) is left alone.
 */
export function useEscapeToStop(): void {
  const running = useAppStore((s) => s.runningTurnKey !== null);
  const stopTurn = useAppStore((s) => s.stopTurn);
  useEffect(() => {
    if (!running) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.isComposing || event.defaultPrevented) return;
      event.preventDefault();
      void stopTurn();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [running, stopTurn]);
}
