import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { FollowUpBox } from './FollowUpBox';
import { SessionHeader } from './SessionHeader';
import { TurnList } from './TurnList';

/** The session: header, turns, main's last error, and the follow-up box. */
export function ConversationView() {
  const errorMessage = useAppStore((s) => s.conversationError?.message ?? null);
  return (
    <div className="conversation">
      <SessionHeader />
      <TurnList />
      <ErrorAlert message={errorMessage} />
      <FollowUpBox />
    </div>
  );
}
