import { INTAKE_REQUEST_TEXT } from '../../../../shared/turnWording';
import { useAppStore } from '../../stores/appStore';
import { Markdown } from '../markdown/Markdown';
import { AnswerActions } from './AnswerActions';
import { AnswerSwitcher } from './AnswerSwitcher';
import { incompleteNote, storedOutcomeNote } from './format';
import { useFrameBatchedAppStore } from './frameBatching';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';

/** Under every answer, so the reminder is read with what it qualifies (the page's footer has the standing one). */
const ANSWER_NOTICE = 'Decision support only — check against local protocols and your clinical judgement.';

/** Props of {@link TurnView}. */
export interface TurnViewProps {
  /** Position of the turn in the store's list; the view selects that one turn so others do not re-render. */
  index: number;
}

/**
 * One turn: what the clinician asked and the answer (Markdown), growing while it streams — re-rendered at most once
 * per animation frame — with the decision-support reminder under it, "Stop" while it streams, then Copy, Regenerate
 * (latest turn) and its answers' switcher.
 */
export function TurnView({ index }: TurnViewProps) {
  const turn = useFrameBatchedAppStore((s) => s.turns[index]);
  const isLatest = useAppStore((s) => s.turns.length === index + 1);
  const live = useAppStore((s) => s.sessionMode === 'live');
  const stopRequested = useAppStore((s) => s.stopRequested);
  const stopTurn = useAppStore((s) => s.stopTurn);
  if (turn === undefined) return null;
  const streaming = turn.status === 'streaming';
  const finished = turn.status === 'complete' || turn.status === 'incomplete';

  return (
    <article className="turn" aria-label={`Turn ${turn.seq ?? index + 1}`}>
      <div className="turn-question">
        <span className="turn-who">Clinician</span>
        {turn.kind === 'intake' ? (
          <p className="muted">{INTAKE_REQUEST_TEXT}</p>
        ) : (
          <p className="turn-message">{turn.message}</p>
        )}
      </div>
      <div className="turn-answer">
        <div className="turn-answer-head">
          <span className="turn-who">Assistant</span>
          <AnswerSwitcher turn={turn} />
        </div>
        {streaming && turn.answer === '' && <p className="muted">Waiting for the model…</p>}
        {/*
          Always polite, and busy while it streams: assistive technology then holds the chunks and reads the answer
          once it is complete. Switching aria-live off as the stream ends (in the same update that clears aria-busy)
          meant the finished answer was never announced.
        */}
        <div data-testid="answer" className="answer markdown" aria-busy={streaming} aria-live="polite">
          <Markdown text={turn.answer} streaming={streaming} />
        </div>
        {turn.answer !== '' && (
          <p className="answer-notice" data-testid="answer-notice">
            {ANSWER_NOTICE}
          </p>
        )}
        {/*
          A polite live region that is always there (one that appears with its text is often not read): "Stopping…"
          once Stop is pressed, then the note that the answer is incomplete.
        */}
        <p className="turn-note" role="status">
          {streaming && stopRequested ? 'Stopping…' : turn.status === 'incomplete' ? incompleteNote(turn.incompleteReason) : ''}
        </p>
        {(turn.status === 'pending' || turn.status === 'error') && <p className="turn-note">{storedOutcomeNote(turn.status)}</p>}
        {streaming && (
          <div className="turn-actions">
            <FocusKeepingButton className="button-secondary" unavailable={stopRequested} data-stop-answer="" onPress={() => void stopTurn()}>
              Stop
            </FocusKeepingButton>
          </div>
        )}
        {finished && <AnswerActions turn={turn} canRegenerate={live && isLatest && turn.turnId !== null} />}
      </div>
    </article>
  );
}
