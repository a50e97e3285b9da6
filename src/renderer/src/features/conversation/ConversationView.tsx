import { useEffect, useRef } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { rolledBackText, setAsideText } from '../history/format';
import { ContinueBar } from './ContinueBar';
import { FollowUpBox } from './FollowUpBox';
import { SessionHeader } from './SessionHeader';
import { TurnList } from './TurnList';
import { useFollowStream } from './useFollowStream';

/**
 * The session: header (kept at the top of the main column while it scrolls), turns, main's last error, and the
 * follow-up box — or, for a past session shown read-only, "Continue this session" (and a note of any records that
 * could not be opened, and an integrity warning for records older than the app last saved). While an answer streams
 * the view follows its newest line; once the clinician scrolls up it stays put and offers "Jump to latest".
 */
export function ConversationView() {
  const errorMessage = useAppStore((s) => s.conversationError?.message ?? null);
  const mode = useAppStore((s) => s.sessionMode);
  const setAside = useAppStore((s) => s.setAsideCount);
  const rolledBack = useAppStore((s) => s.rolledBackCount);
  const streaming = useAppStore((s) => s.runningTurnKey !== null);
  const rootRef = useRef<HTMLDivElement>(null);
  const { following, jumpToLatest } = useFollowStream(rootRef, streaming);
  const sessionId = useAppStore((s) => s.sessionId);
  const shownIdRef = useRef(sessionId);

  // Another session opened from the sidebar starts at its top, not at the scroll position of the one before.
  useEffect(() => {
    if (shownIdRef.current !== null && sessionId !== null && sessionId !== shownIdRef.current) {
      rootRef.current?.parentElement?.scrollTo({ top: 0 });
    }
    shownIdRef.current = sessionId;
  }, [sessionId]);

  const jump = (): void => {
    jumpToLatest();
    // The button goes once the view follows: hand the focus to Stop, at the end of the answer it jumped to.
    rootRef.current?.querySelector<HTMLElement>('[data-stop-answer]')?.focus({ preventScroll: true });
  };

  return (
    <div className="conversation" ref={rootRef}>
      <SessionHeader />
      {rolledBack > 0 && (
        <p className="notice set-aside-notice" role="status" data-testid="integrity-warning">
          {rolledBackText(rolledBack)}
        </p>
      )}
      {setAside > 0 && (
        <p className="notice set-aside-notice" role="status" data-testid="set-aside-notice">
          {setAsideText(setAside)}
        </p>
      )}
      <TurnList />
      {streaming && !following && (
        <div className="jump-to-latest-bar">
          <button type="button" className="button-primary jump-to-latest" onClick={jump}>
            Jump to latest
          </button>
        </div>
      )}
      <ErrorAlert message={errorMessage} />
      {mode === 'live' ? <FollowUpBox /> : <ContinueBar />}
    </div>
  );
}
