import { memo, type ReactNode } from 'react';
import { markMatches } from '../../stores/history/markMatches';
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
  /** The search the row answers: its words are marked in the title and the excerpt; omitted outside a search. */
  query?: string;
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

/** `text` with the words `query` matched in `<mark>`; the text as it is outside a search. */
function marked(text: string, query: string | undefined): ReactNode {
  if (query === undefined) return text;
  return markMatches(text, query).map((part, index) => (part.match ? <mark key={index}>{part.text}</mark> : part.text));
}

/**
 * One session in the list: a button named by the patient's age and sex and the title (the chief complaint) —
 * "3 y · F · Fever and fast breathing", so similar cases differ — described by when it was created,
 * its turn count and status — and, for a session that cannot be shown as it should (its key is not on this
 * workstation, or part of it was rolled back), a sentence saying so, in place of a search excerpt. With sync on, a
 * session whose changes have not reached the server yet says "Not yet synced" in its description.
 */
export const SessionRow = memo(function SessionRow({ entry, index, shown, opening, onOpen, snippet, query, unsynced = false, answering = false }: SessionRowProps) {
  const title = entry.title ?? UNTITLED_ROW;
  const name = entry.patientLine === null ? title : `${entry.patientLine} · ${title}`;
  const detailsId = `session-row-details-${entry.sessionId}`;
  const snippetId = `session-row-snippet-${entry.sessionId}`;
  const problemId = `session-row-problem-${entry.sessionId}`;
  const problem = entry.problem === null ? null : sessionProblemText(entry.problem);
  // One line under the title: the problem matters more than an excerpt.
  const underTitleId = problem !== null ? problemId : snippet !== undefined && snippet !== '' ? snippetId : null;
  return (
    <button
      type="button"
      className="session-row"
      data-testid="session-row"
      data-index={index}
      aria-label={name}
      aria-describedby={underTitleId === null ? detailsId : `${underTitleId} ${detailsId}`}
      data-problem={entry.problem ?? undefined}
      aria-current={shown ? 'true' : undefined}
      aria-busy={opening || undefined}
      onClick={() => onOpen(entry.sessionId)}
    >
      <span className={entry.title === null ? 'session-row-title muted' : 'session-row-title'}>
        {entry.patientLine !== null && (
          <>
            <span className="session-row-patient" data-testid="session-row-patient">
              {marked(entry.patientLine, query)}
            </span>
            {' · '}
          </>
        )}
        {entry.title === null ? title : marked(title, query)}
      </span>
      {problem !== null ? (
        <span id={problemId} className="session-row-snippet session-row-problem" data-testid="session-row-problem">
          {problem}
        </span>
      ) : (
        snippet !== undefined &&
        snippet !== '' && (
          <span id={snippetId} className="session-row-snippet" data-testid="session-row-snippet">
            {marked(snippet, query)}
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
