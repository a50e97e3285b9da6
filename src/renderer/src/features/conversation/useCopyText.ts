import { useCallback, useEffect, useRef, useState } from 'react';

/** How long "Copied" stays after a copy. */
export const COPIED_NOTICE_MS = 2_000;

/** What copying came to, for the confirmation next to the button. */
export type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies text to the clipboard and reports the outcome for a short while. The clipboard is the only thing this
 * writes; it never goes to main, and nothing is kept after the notice ends.
 */
export function useCopyText(): { state: CopyState; copy(text: string): void } {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);
  const copy = useCallback((text: string) => {
    const settle = (outcome: CopyState): void => {
      setState(outcome);
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = setTimeout(() => setState('idle'), COPIED_NOTICE_MS);
    };
    navigator.clipboard.writeText(text).then(
      () => settle('copied'),
      () => settle('failed'),
    );
  }, []);
  return { state, copy };
}
