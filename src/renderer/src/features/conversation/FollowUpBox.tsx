import { useRef } from 'react';
import { useAppStore } from '../../stores/appStore';
import { useTakeLostFocus } from '../focus/lostFocus';
import { useSendAvailability } from '../status/useSendAvailability';

/**
 * The follow-up question: Enter sends, Shift+Enter starts a new line. Disabled while a turn runs, since main
 * answers one turn per session at a time; while the model server is offline sending pauses, with the reason shown
 * (the draft can still be written and the session reviewed).
 */
export function FollowUpBox() {
  const draft = useAppStore((s) => s.followUpDraft);
  const running = useAppStore((s) => s.runningTurnKey !== null);
  const hasDraft = useAppStore((s) => s.sessionId !== null && s.followUpDraft.trim() !== '');
  const { canSend: serverAvailable, reason: cannotSendReason } = useSendAvailability();
  const canSend = hasDraft && serverAvailable;
  const setFollowUpDraft = useAppStore((s) => s.setFollowUpDraft);
  const sendFollowUp = useAppStore((s) => s.sendFollowUp);
  const textareaRef = useRef<HTMLTextAreaElement>(null);

  // Disabling the box while a turn runs drops its focus (and the first turn leaves it on the session's heading);
  // hand it over when the turn ends, unless the clinician has moved on to something else meanwhile.
  useTakeLostFocus(textareaRef, !running);

  return (
    <form
      className="follow-up"
      onSubmit={(event) => {
        event.preventDefault();
        void sendFollowUp();
      }}
    >
      <label htmlFor="follow-up" className="follow-up-label">
        Follow-up
      </label>
      <textarea
        id="follow-up"
        ref={textareaRef}
        className="input textarea"
        rows={3}
        value={draft}
        disabled={running}
        autoComplete="off"
        spellCheck={false}
        aria-describedby="follow-up-hint"
        onChange={(event) => setFollowUpDraft(event.target.value)}
        onKeyDown={(event) => {
          // Enter while composing (IME) confirms the composition; it must not send half a word.
          if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
          event.preventDefault();
          if (serverAvailable) void sendFollowUp();
        }}
      />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={running || !canSend}>
          Send follow-up
        </button>
        <p id="follow-up-hint" className="form-hint">
          Enter sends, Shift+Enter starts a new line.
        </p>
        {cannotSendReason !== null && (
          <p className="send-paused" role="status" data-testid="follow-up-send-paused">
            {cannotSendReason}
          </p>
        )}
      </div>
    </form>
  );
}
