import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { rolledBackText, setAsideText } from '../history/format';
import { ContinueBar } from './ContinueBar';
import { FollowUpBox } from './FollowUpBox';
import { SessionHeader } from './SessionHeader';
import { TurnList } from './TurnList';

/**
 * The session: header, turns, main's last error, and the follow-up box — or, for a past session shown read-only,
 * "Continue this session" (and a note of any records that could not be opened, and an integrity warning for records
 * older than the app last saved).
 */
export function ConversationView() {
  const errorMessage = useAppStore((s) => s.conversationError?.message ?? null);
  const mode = useAppStore((s) => s.sessionMode);
  const setAside = useAppStore((s) => s.setAsideCount);
  const rolledBack = useAppStore((s) => s.rolledBackCount);
  return (
    <div className="conversation">
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
      <ErrorAlert message={errorMessage} />
      {mode === 'live' ? <FollowUpBox /> : <ContinueBar />}
    </div>
  );
}
