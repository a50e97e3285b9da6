import { useAppStore } from '../../stores/appStore';
import type { Turn } from '../../stores/turns';
import { useCopyText } from './useCopyText';

/** Props of {@link AnswerActions}. */
export interface AnswerActionsProps {
  turn: Turn;
  /** The session's latest turn in a live session: the only one that can be regenerated. */
  canRegenerate: boolean;
}

/** Under a finished answer: Copy (its Markdown text) and, on the latest turn, Regenerate. */
export function AnswerActions({ turn, canRegenerate }: AnswerActionsProps) {
  const busy = useAppStore((s) => s.runningTurnKey !== null);
  const regenerateAnswer = useAppStore((s) => s.regenerateAnswer);
  const { state, copy } = useCopyText();
  return (
    <div className="turn-actions answer-actions">
      {turn.answer !== '' && (
        <button type="button" className="button-secondary" onClick={() => copy(turn.answer)}>
          Copy
        </button>
      )}
      {canRegenerate && (
        <button
          type="button"
          className="button-secondary"
          disabled={busy}
          title="Ask the model for another answer to the same message; this one stays available"
          onClick={() => void regenerateAnswer()}
        >
          Regenerate
        </button>
      )}
      <span className="muted copy-status" role="status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: the clipboard is not available.' : ''}
      </span>
    </div>
  );
}
