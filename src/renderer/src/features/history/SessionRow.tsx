import { memo } from 'react';
import type { HistoryEntry } from '../../stores/history/historyEntry';
import { sessionStateText } from '../../stores/history/turnSummary';
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
  /** Changes of this session have not reached the sync server yet (only ever true while sync is on). */
  unsynced?: boolean;
  /** This page is receiving an answer in this session right now (its stored state says "Unanswered" until then). */
  answering?: boolean;
}

/** The marker on a session whose changes wait for the sync server, and what it means (its tooltip). */
export const UNSYNCED_MARKER = 'Not yet synced';
/** @see UNSYNCED_MARKER */
export const UNSYNCED_MARKER_TITLE = "Changes to this session have not reached the clinic's sync server yet; they are kept here and sent when it can be reached.";

/** Accessible name (and visible title) of a session whose record main could not open. */
export const UNTITLED_ROW = 'Session (title could not be opened)';

/**
 * One session in the list: a button named by its title (the chief complaint), described by when it was created,
 * its turn count and status — and, for a session that cannot be shown as it should (its key is not on this
 * workstation, or part of it was rolled back), a sentence saying so, in place of a search excerpt. With sync on, a
 * session whose changes have not reached the server yet says "Not yet synced" in its description.
 */
export const SessionRow = memo(function SessionRow({ entry, index, shown, opening, onOpen, snippet, unsynced = false, answering = false }: SessionRowProps) {
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
        {opening ? 'Opening…' : answering ? sessionStateText('answering') : entry.sessionState !== null ? sessionStateText(entry.sessionState) : sessionStatusText(entry.status)}
        {unsynced && (
          <>
            {' · '}
            <span className="unsynced-marker" data-testid="unsynced-marker" title={UNSYNCED_MARKER_TITLE}>
              {UNSYNCED_MARKER}
            </span>
          </>
        )}
      </span>
    </button>
  );
});
