import { memo } from 'react';
import type { HistoryEntry } from '../../stores/history/historyEntry';
import { formatCreated, sessionProblemText, sessionStatusText, turnCountText } from './format';

/** Props of {@link SessionRow}. */
export interface SessionRowProps {
  entry: HistoryEntry;
  /** Position in the (filtered) list; the list's arrow keys find rows by it. */
  index: number;
  /** The main area shows this session. */
  shown: boolean;
  /** This session is being read and opened. */
  opening: boolean;
  onOpen(sessionId: string): void;
  /** What the search matched in this session (shown under the title); omitted outside a search. */
  snippet?: string;
}

/** Accessible name (and visible title) of a session whose record main could not open. */
export const UNTITLED_ROW = 'Session (title could not be opened)';

/**
 * One session in the list: a button named by its title (the chief complaint), described by when it was created,
 * its turn count and status — and, for a session that cannot be shown as it should (its key is not on this
 * workstation, or part of it was rolled back), a sentence saying so, in place of a search excerpt.
 */
export const SessionRow = memo(function SessionRow({ entry, index, shown, opening, onOpen, snippet }: SessionRowProps) {
  const title = entry.title ?? UNTITLED_ROW;
  const detailsId = `session-row-details-${entry.sessionId}`;
  const snippetId = `session-row-snippet-${entry.sessionId}`;
  const problemId = `session-row-problem-${entry.sessionId}`;
  const problem = entry.problem === null ? null : sessionProblemText(entry.problem);
  // One line under the title: the problem matters more than an excerpt.
  const underTitleId = problem !== null ? problemId : snippet !== undefined ? snippetId : null;
  return (
    <button
      type="button"
      className="session-row"
      data-testid="session-row"
      data-index={index}
      aria-label={title}
      aria-describedby={underTitleId === null ? detailsId : `${underTitleId} ${detailsId}`}
      data-problem={entry.problem ?? undefined}
      aria-current={shown ? 'true' : undefined}
      aria-busy={opening || undefined}
      onClick={() => onOpen(entry.sessionId)}
    >
      <span className={entry.title === null ? 'session-row-title muted' : 'session-row-title'}>{title}</span>
      {problem !== null ? (
        <span id={problemId} className="session-row-snippet session-row-problem" data-testid="session-row-problem">
          {problem}
        </span>
      ) : (
        snippet !== undefined && (
          <span id={snippetId} className="session-row-snippet" data-testid="session-row-snippet">
            {snippet}
          </span>
        )
      )}
      <span id={detailsId} className="session-row-details">
        <time dateTime={entry.createdAt}>{formatCreated(entry.createdAt)}</time>
        {' · '}
        {turnCountText(entry.turnCount)}
        {' · '}
        {opening ? 'Opening…' : sessionStatusText(entry.status)}
      </span>
    </button>
  );
});
