import { useCallback, useMemo } from 'react';
import { filterHistory, searchResults } from '../../stores/history/searchResults';
import { useAppStore } from '../../stores/appStore';
import { DateFilterControl } from './DateFilterControl';
import { DiscardUnkeptPrompt } from './DiscardUnkeptDialog';
import { sessionProblemLines } from './format';
import { inRange } from './inRange';
import { SessionList } from './SessionList';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';

/**
 * The clinician's past sessions (a landmark named by its "Sessions" heading): a search of the whole history through
 * main (titles, messages and answers; the store debounces it), the list (newest first, virtualised) and "Show more".
 * Selecting a session shows it read-only in the main area. Until main's first answer — or if the search fails — the
 * box filters the loaded titles. Under the list, a count of the sessions that cannot be opened on this workstation
 * (their key is not here) or carry an integrity warning, so none of them goes unnoticed.
 */
export function SessionsSidebar() {
  const entries = useAppStore((s) => s.historyEntries);
  const query = useAppStore((s) => s.historyQuery);
  const status = useAppStore((s) => s.historyStatus);
  const loadingMore = useAppStore((s) => s.historyLoadingMore);
  const hasMore = useAppStore((s) => s.historyNextBefore !== null);
  const errorMessage = useAppStore((s) => s.historyError?.message ?? null);
  const notice = useAppStore((s) => s.historyNotice);
  const search = useAppStore((s) => s.historySearch);
  const indexing = useAppStore((s) => s.historyIndexing);
  const openingId = useAppStore((s) => s.openingSessionId);
  const shownId = useAppStore((s) => (s.view === 'conversation' ? s.sessionId : null));
  const answeringId = useAppStore((s) => (s.runningTurnKey !== null ? s.sessionId : null));
  const setHistoryQuery = useAppStore((s) => s.setHistoryQuery);
  const loadMoreHistory = useAppStore((s) => s.loadMoreHistory);
  const loadHistory = useAppStore((s) => s.loadHistory);
  const openStoredSession = useAppStore((s) => s.openStoredSession);
  const dismissHistoryNotice = useAppStore((s) => s.dismissHistoryNotice);
  const listRange = useAppStore((s) => s.historyListRange);
  const problems = useAppStore((s) => s.historySessionProblems);
  const syncOn = useAppStore((s) => s.syncStatus !== null && s.syncStatus.state !== 'off');
  const unsyncedIds = useAppStore((s) => s.unsyncedSessionIds);
  // Only while sync is on: with it off nothing is ever sent, so "not yet" would mislead.
  const unsynced = useMemo(() => (syncOn && unsyncedIds.length > 0 ? new Set(unsyncedIds) : undefined), [syncOn, unsyncedIds]);
  const problemLines = useMemo(() => sessionProblemLines(problems), [problems]);
  const filteringByDate = listRange.since !== undefined || listRange.until !== undefined;

  const searching = query.trim() !== '';
  // Main's answer once there is one (the previous hits stay while a new search runs); else the loaded titles.
  const results = useMemo(
    () => (searching && search !== null && search.status !== 'error' && (search.status === 'ready' || search.hits.length > 0) ? searchResults(entries, search) : null),
    [entries, search, searching],
  );
  // Pages are read in range already; search hits (any date) and freshly delivered sessions are held to it here.
  const filtered = useMemo(
    () => (results === null ? filterHistory(entries, query) : results.map((result) => result.entry)).filter((entry) => inRange(entry.updatedAt, listRange)),
    [entries, query, results, listRange],
  );
  const snippets = useMemo(
    () => (results === null ? undefined : new Map(results.map((result) => [result.entry.sessionId, result.snippet]))),
    [results],
  );
  const open = useCallback((sessionId: string) => void openStoredSession(sessionId), [openStoredSession]);
  const loadMore = useCallback(() => void loadMoreHistory(), [loadMoreHistory]);

  let summary: string;
  if (status === 'loading' && entries.length === 0) summary = 'Loading sessions…';
  else if (status === 'error' && entries.length === 0) summary = 'Sessions could not be read.';
  else if (status === 'ready' && entries.length === 0) summary = filteringByDate ? 'No sessions in these dates.' : 'No past sessions yet.';
  else if (searching && indexing !== null) {
    const progress = indexing.total === null ? `${indexing.done}` : `${indexing.done} of ${indexing.total}`;
    summary = `Searching ${progress} sessions indexed so far. ${matchText(filtered.length)}`;
  } else if (searching && search?.status === 'error') summary = `${search.error?.message ?? 'The search failed.'} ${filtered.length} of ${entries.length} loaded titles match.`;
  else if (searching && results === null) summary = `Searching… ${filtered.length} of ${entries.length} loaded titles match.`;
  else if (searching) summary = matchText(filtered.length);
  else summary = `${entries.length}${hasMore ? '+' : ''} session${entries.length === 1 && !hasMore ? '' : 's'}`;
  if (openingId !== null) summary = 'Opening the session…';
  else if (loadingMore) summary = 'Loading more sessions…';

  return (
    // A real heading (not an aria-hidden title), so heading navigation reaches the sidebar too; it names the landmark.
    <aside className="sidebar" aria-labelledby="sessions-title">
      <h2 id="sessions-title" className="sidebar-title">
        Sessions
      </h2>
      <div className="sidebar-search">
        <label htmlFor="session-search" className="sidebar-search-label">
          Search sessions
        </label>
        <input
          id="session-search"
          className="input"
          type="search"
          value={query}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="session-search-scope"
          onChange={(event) => setHistoryQuery(event.target.value)}
        />
        <p id="session-search-scope" className="form-hint">
          Searches complaints, messages, answers, age, sex, allergies, medications and history on this workstation.
        </p>
      </div>
      <DateFilterControl />
      <p className="sidebar-summary muted" role="status" data-testid="sessions-summary">
        {summary}
      </p>
      {notice !== null && (
        <div className="notice sidebar-notice" role="status" data-testid="history-notice">
          <p>{notice}</p>
          <button type="button" className="button-quiet" onClick={dismissHistoryNotice}>
            Dismiss
          </button>
        </div>
      )}
      {errorMessage !== null && (
        <div className="sidebar-error" role="status" data-testid="history-error">
          <p>{errorMessage}</p>
          <button type="button" className="button-quiet" onClick={() => void loadHistory()}>
            Reload sessions
          </button>
        </div>
      )}
      <SessionList
        entries={filtered}
        shownId={shownId}
        openingId={openingId}
        onOpen={open}
        snippets={snippets}
        searchQuery={search?.query}
        unsynced={unsynced}
        answeringId={answeringId}
        // Scrolling reads further pages, but not while searching: that would read the whole history.
        onNearEnd={!searching && hasMore ? loadMore : undefined}
      />
      {hasMore && results === null && (
        <FocusKeepingButton className="button-secondary sidebar-more" unavailable={loadingMore} onPress={loadMore}>
          Show more
        </FocusKeepingButton>
      )}
      {problemLines.length > 0 && (
        <div className="sidebar-problems notice" data-testid="session-problems">
          {problemLines.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
      )}
      <DiscardUnkeptPrompt />
    </aside>
  );
}

function matchText(count: number): string {
  return `${count} session${count === 1 ? '' : 's'} match${count === 1 ? 'es' : ''}.`;
}
