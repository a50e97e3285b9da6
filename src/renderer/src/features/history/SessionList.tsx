import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import type { HistoryEntry } from '../../stores/history/historyEntry';
import { SessionRow } from './SessionRow';
import { nearEnd, OVERSCAN_ROWS, scrollTopToReveal, SESSION_ROW_HEIGHT, visibleRange } from './virtualWindow';

/** Props of {@link SessionList}. */
export interface SessionListProps {
  entries: readonly HistoryEntry[];
  /** The session the main area shows, marked `aria-current`. */
  shownId: string | null;
  /** The session being opened, marked busy. */
  openingId: string | null;
  onOpen(sessionId: string): void;
  /** Called when the rendered rows reach the end of the list (to read the next page); omitted: never. */
  onNearEnd?: () => void;
  /** Search excerpts by session id, shown under the titles; omitted outside a search. */
  snippets?: ReadonlyMap<string, string>;
  /** The search the excerpts answer (its words are marked in the rows); omitted outside a search. */
  searchQuery?: string;
  /** Sessions with changes not yet on the sync server (marked "Not yet synced"); omitted while sync is off. */
  unsynced?: ReadonlySet<string>;
  /** The session this page is receiving an answer in, if any (its row says "Answering"). */
  answeringId?: string | null;
}

/** Before the first measurement (and in a page too small to say): a typical sidebar height. */
const FALLBACK_VIEWPORT = 640;

/**
 * The sessions as a virtual list: a scroll container of fixed-height rows, of which only those in view (and a few
 * either side) are in the DOM. Every rendered row is a button, so Tab reaches them in order (focusing one scrolls
 * it into view, which renders the next); Arrow keys, Page Up/Down, Home and End move between rows faster.
 */
export function SessionList({ entries, shownId, openingId, onOpen, onNearEnd, snippets, searchQuery, unsynced, answeringId = null }: SessionListProps) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(FALLBACK_VIEWPORT);
  const count = entries.length;

  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (scroller === null) return;
    const measure = () => setViewportHeight(scroller.clientHeight || FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    return () => observer.disconnect();
  }, []);

  // A shorter list (a search) may leave the old position past its end.
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (scroller !== null && scroller.scrollTop !== scrollTop) setScrollTop(scroller.scrollTop);
  }, [count, scrollTop]);

  const range = visibleRange({ scrollTop, viewportHeight, rowHeight: SESSION_ROW_HEIGHT, count, overscan: OVERSCAN_ROWS });
  const reachedEnd = nearEnd(range, count, OVERSCAN_ROWS);

  useEffect(() => {
    if (reachedEnd && onNearEnd) onNearEnd();
  }, [reachedEnd, count, onNearEnd]);

  const focusRow = useCallback(
    (index: number) => {
      const scroller = scrollerRef.current;
      if (scroller === null || count === 0) return;
      const target = Math.min(count - 1, Math.max(0, index));
      scroller.scrollTop = scrollTopToReveal(target, SESSION_ROW_HEIGHT, scroller.scrollTop, scroller.clientHeight);
      // Render the row now, so it can take the focus in the same keystroke.
      flushSync(() => setScrollTop(scroller.scrollTop));
      scroller.querySelector<HTMLButtonElement>(`[data-index="${target}"]`)?.focus({ preventScroll: true });
    },
    [count],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = Number((event.target as HTMLElement).dataset.index);
    if (!Number.isInteger(index)) return;
    const page = Math.max(1, Math.floor(viewportHeight / SESSION_ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: count - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    focusRow(next);
  };

  return (
    <div
      ref={scrollerRef}
      className="session-list"
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
    >
      <ul className="session-list-rows" style={{ height: count * SESSION_ROW_HEIGHT }}>
        {entries.slice(range.start, range.end).map((entry, offset) => {
          const index = range.start + offset;
          return (
            <li
              key={entry.sessionId}
              className="session-list-item"
              style={{ top: index * SESSION_ROW_HEIGHT, height: SESSION_ROW_HEIGHT }}
              aria-setsize={count}
              aria-posinset={index + 1}
            >
              <SessionRow
                entry={entry}
                index={index}
                shown={entry.sessionId === shownId}
                opening={entry.sessionId === openingId}
                onOpen={onOpen}
                snippet={snippets?.get(entry.sessionId)}
                query={snippets === undefined ? undefined : searchQuery}
                unsynced={unsynced?.has(entry.sessionId) ?? false}
                answering={entry.sessionId === answeringId}
              />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
