import { useAppStore } from '../../stores/appStore';
import { answersOf, sameId, type Turn } from '../../stores/turns';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';

/** Props of {@link AnswerSwitcher}. */
export interface AnswerSwitcherProps {
  turn: Turn;
}

/**
 * "Answer 1 of 2 ‹ ›" on a turn with regenerated answers (siblings). Switching the latest turn of a live session
 * also tells main, so the next follow-up builds on the answer on screen.
 */
export function AnswerSwitcher({ turn }: AnswerSwitcherProps) {
  const busy = useAppStore((s) => s.runningTurnKey !== null);
  const selectAnswer = useAppStore((s) => s.selectAnswer);
  const answers = answersOf(turn);
  const position = answers.findIndex((answer) => sameId(answer.turnId, turn.turnId ?? ''));
  if (answers.length < 2 || position < 0) return null;
  const go = (offset: number): void => {
    const target = answers[position + offset];
    if (target !== undefined) void selectAnswer(turn.key, target.turnId);
  };
  // Focus-keeping: reaching the first or last answer would otherwise drop the focus to the page.
  const first = busy || position === 0;
  const last = busy || position === answers.length - 1;
  return (
    <div className="answer-switcher" role="group" aria-label="Answers to this message">
      <FocusKeepingButton className="button-secondary" aria-label="Previous answer" unavailable={first} onPress={() => go(-1)}>
        ‹
      </FocusKeepingButton>
      <span data-testid="answer-position">
        Answer {position + 1} of {answers.length}
      </span>
      <FocusKeepingButton className="button-secondary" aria-label="Next answer" unavailable={last} onPress={() => go(1)}>
        ›
      </FocusKeepingButton>
    </div>
  );
}
