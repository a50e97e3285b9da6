import { useId, useRef, useState } from 'react';
import { useAppStore } from '../../stores/appStore';
import { ExportMenu } from '../export/ExportMenu';
import { FOCUS_STANDBY, useTakeLostFocus } from '../focus/lostFocus';
import { DeleteSessionControl } from '../history/DeleteSessionControl';
import { formatCreated } from '../history/format';
import { formatInferenceTime } from './format';
import { PatientSummary } from './PatientSummary';

/**
 * The session at a glance, in one compact row that stays at the top of the conversation while it scrolls (so Export,
 * Delete and New patient are always within reach): the title and its badges ("read-only", "Not kept"), when it was
 * opened, the turn count and the model that gave the last answer, then the actions. The rest (session id, endpoint,
 * inference time) is behind "Details", a disclosure button, so it costs no room until asked for; it stays in the page
 * while closed (tests and copy-paste read the id from it). Under the row: a notice when the history was trimmed, and
 * the pinned patient summary.
 */
export function SessionHeader() {
  const sessionId = useAppStore((s) => s.sessionId);
  const turnCount = useAppStore((s) => s.turnCount);
  const model = useAppStore((s) => s.lastModel);
  // Before the model server names its model (the first answer still streaming), say so rather than a bare dash.
  const answering = useAppStore((s) => s.runningTurnKey !== null);
  const endpoint = useAppStore((s) => s.lastEndpoint);
  const createdAt = useAppStore((s) => s.sessionCreatedAt);
  const notKept = useAppStore((s) => s.sessionNotKept);
  const inferenceMs = useAppStore((s) => s.lastInferenceMs);
  const omittedTurns = useAppStore((s) => s.lastOmittedTurns);
  const newPatient = useAppStore((s) => s.newPatient);
  const readOnly = useAppStore((s) => s.sessionMode === 'review');
  // "Get protocol" leaves with the intake form: the session's heading holds the focus (read out as the new place)
  // until the answer is in and the follow-up box takes it.
  const titleRef = useRef<HTMLHeadingElement>(null);
  useTakeLostFocus(titleRef);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const detailsId = useId();

  return (
    <header className="session-header" data-testid="session-header">
      <div className="session-header-row">
        <h2 ref={titleRef} className="section-title session-title" tabIndex={-1} {...FOCUS_STANDBY}>
          Session
          {readOnly && <span className="read-only-badge"> (read-only)</span>}
          {notKept && (
            <span className="not-kept-badge" data-testid="not-kept-badge" title="The patient declined storage: this session is never written">
              Not kept
            </span>
          )}
        </h2>
        <dl className="session-facts">
          <div>
            <dt>Created</dt>
            <dd data-testid="session-created">{createdAt === null ? '—' : formatCreated(createdAt)}</dd>
          </div>
          <div>
            <dt>Turns</dt>
            <dd data-testid="turn-count">{turnCount}</dd>
          </div>
          <div>
            <dt>Model</dt>
            <dd data-testid="session-model">{model ?? (answering ? 'answering…' : '—')}</dd>
          </div>
        </dl>
        <button
          type="button"
          className="button-quiet session-details-toggle"
          aria-expanded={detailsOpen}
          aria-controls={detailsId}
          onClick={() => setDetailsOpen((open) => !open)}
        >
          Details
        </button>
        <div className="session-header-actions">
          <ExportMenu />
          <DeleteSessionControl />
          <button type="button" className="button-secondary" onClick={newPatient}>
            New patient
          </button>
        </div>
      </div>
      <div id={detailsId} className="session-details" hidden={!detailsOpen}>
        <dl className="session-facts">
          <div>
            <dt>Session</dt>
            <dd>
              {sessionId === null ? (
                <span className="muted">starting…</span>
              ) : (
                <code data-testid="session-id">{sessionId}</code>
              )}
            </dd>
          </div>
          <div>
            <dt>Endpoint</dt>
            <dd data-testid="session-endpoint">{endpoint ?? '—'}</dd>
          </div>
          <div>
            <dt>Inference time</dt>
            <dd>{inferenceMs === null ? '—' : formatInferenceTime(inferenceMs)}</dd>
          </div>
        </dl>
      </div>
      {omittedTurns > 0 && (
        <p className="notice" data-testid="history-trimmed">
          The conversation is longer than the model can read at once: the last answer did not take the first{' '}
          {omittedTurns === 1 ? 'turn' : `${omittedTurns} turns`} into account. The patient summary is always included.
        </p>
      )}
      <PatientSummary />
    </header>
  );
}
