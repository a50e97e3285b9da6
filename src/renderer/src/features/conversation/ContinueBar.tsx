import { useAppStore } from '../../stores/appStore';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';

/**
 * Under a past session shown read-only: "Continue this session" has main resume it from its sealed records, after
 * which the follow-up box takes its place.
 */
export function ContinueBar() {
  const resuming = useAppStore((s) => s.resuming);
  const continueSession = useAppStore((s) => s.continueSession);
  return (
    <div className="continue-bar">
      <p className="form-hint" id="continue-hint">
        A past session, shown read-only from this workstation&apos;s history. Continue it to ask a follow-up.
      </p>
      <div className="form-actions">
        <FocusKeepingButton className="button-primary" aria-describedby="continue-hint" unavailable={resuming} onPress={() => void continueSession()}>
          Continue this session
        </FocusKeepingButton>
        <span className="muted" role="status">
          {resuming ? 'Resuming the session…' : ''}
        </span>
      </div>
    </div>
  );
}
