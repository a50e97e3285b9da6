import { useEffect, useRef } from 'react';
import { useAppStore } from '../../stores/appStore';
import { useTakeLostFocus } from '../focus/lostFocus';
import { BarChart } from './BarChart';
import { daySeries, localDay } from './daySeries';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`;
}

function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/**
 * Local analytics of the clinician's own history, computed on this workstation by main and shown only here: sessions
 * per day, turns per session, one-turn sessions, peak hours and regenerated answers (from the authenticated headers of
 * the records main opened since sign-in), and inference time and trimmed histories (from the turns' sealed metadata).
 * The page computes none of it from its own rows, whose plaintext fields anyone with access to the store could edit.
 * Nothing is sent anywhere.
 */
export function AnalyticsView() {
  const status = useAppStore((s) => s.analyticsStatus);
  const report = useAppStore((s) => s.analyticsReport);
  const error = useAppStore((s) => s.analyticsError);
  const indexing = useAppStore((s) => s.historyIndexing);
  const loadAnalytics = useAppStore((s) => s.loadAnalytics);

  useEffect(() => {
    void loadAnalytics();
  }, [loadAnalytics]);
  // Shown with the focus lost (signed in again on this screen): its heading, so reading starts here.
  const titleRef = useRef<HTMLHeadingElement>(null);
  useTakeLostFocus(titleRef);

  const page = report?.history;
  const main = report;
  return (
    <section className="analytics" aria-labelledby="analytics-title" data-testid="analytics-view">
      <div className="session-header-top">
        <h2 id="analytics-title" ref={titleRef} className="section-title" tabIndex={-1}>
          Analytics
        </h2>
        <FocusKeepingButton className="button-secondary" unavailable={status === 'loading'} onPress={() => void loadAnalytics()}>
          Refresh
        </FocusKeepingButton>
      </div>
      <p className="muted" data-testid="analytics-scope">
        Computed on this workstation from your own history; nothing leaves it. The figures cover the sessions the app has
        opened since you signed in — it reads your whole history in the background after you sign in, so they are
        complete once that is done.
      </p>
      <p role="status" className="muted">
        {status === 'loading' ? 'Computing…' : indexing !== null ? 'Your history is still being read; refresh when it is done for complete figures.' : ''}
      </p>
      {status === 'error' && error !== null && (
        <div className="alert" role="alert">
          {error.message}
        </div>
      )}
      {page && main && (
        <>
          <dl className="session-facts" data-testid="analytics-figures">
            <div>
              <dt>Sessions</dt>
              <dd data-testid="analytics-sessions">{page.sessions}</dd>
            </div>
            <div>
              <dt>Turns</dt>
              <dd data-testid="analytics-turns">{page.turns}</dd>
            </div>
            <div>
              <dt>Turns per session (mean)</dt>
              <dd data-testid="analytics-mean-turns">{page.turnsPerSession.mean === null ? '—' : page.turnsPerSession.mean.toFixed(1)}</dd>
            </div>
            <div>
              <dt>One-turn sessions</dt>
              <dd data-testid="analytics-one-turn">
                {page.oneTurnSessions} ({percent(page.oneTurnSessions, page.sessions)})
              </dd>
            </div>
            <div>
              <dt>Regenerated answers</dt>
              <dd data-testid="analytics-regenerations">{page.regenerations}</dd>
            </div>
            <div>
              <dt>Peak hours</dt>
              <dd data-testid="analytics-peak-hours">{page.peakHours.length === 0 ? '—' : page.peakHours.map(hourLabel).join(', ')}</dd>
            </div>
            <div>
              <dt>Inference time (median / p95)</dt>
              <dd data-testid="analytics-inference">
                {main.inferenceMs === null ? '—' : `${formatSeconds(main.inferenceMs.median)} / ${formatSeconds(main.inferenceMs.p95)}`}
              </dd>
            </div>
            <div>
              <dt>Answers with a trimmed history</dt>
              <dd data-testid="analytics-trimmed">
                {main.trimmedTurns} of {main.answeredTurns} ({percent(main.trimmedTurns, main.answeredTurns)})
              </dd>
            </div>
          </dl>
          <p className="muted">
            Inference time and trimmed histories cover the {main.answeredTurns === 1 ? '1 answer' : `${main.answeredTurns} answers`} in{' '}
            {main.sessions === 1 ? '1 session' : `${main.sessions} sessions`} the app has opened since you signed in.
          </p>
          <BarChart
            title="Sessions per day"
            description="Bar chart of sessions started on each day, the last two weeks at least, ending today; the table under it lists the same figures."
            bars={daySeries(page.sessionsPerDay, localDay(new Date())).map(({ shortLabel, longLabel, count }) => ({ label: shortLabel, longLabel, value: count }))}
            labelHeader="Day"
            valueHeader="Sessions"
            labelFrom="end"
          />
          <BarChart
            title="Turns per session"
            description="Bar chart of how many sessions had 1, 2, 3, 4, or 5 or more turns; the table under it lists the same figures."
            bars={page.turnsPerSession.distribution.map(({ bucket, count }) => ({ label: `${bucket} turn${bucket === '1' ? '' : 's'}`, value: count }))}
            labelHeader="Turns"
            valueHeader="Sessions"
          />
          <BarChart
            title="Messages by hour of day"
            description="Bar chart of messages sent in each hour of the day, local time; the table under it lists the same figures."
            bars={page.turnsByHour.map((count, hour) => ({ label: hourLabel(hour), value: count }))}
            labelHeader="Hour"
            valueHeader="Messages"
          />
        </>
      )}
    </section>
  );
}
