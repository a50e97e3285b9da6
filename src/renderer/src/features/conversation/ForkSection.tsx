import { useId, useState } from 'react';
import { useAppStore } from '../../stores/appStore';
import type { StoredFork, StoredForkBranch } from '../../stores/history/storedSessionView';
import type { Turn } from '../../stores/turns';
import { Markdown } from '../markdown/Markdown';
import { TurnView } from './TurnView';

/** The heading of a fork: "Continued on two workstations" (or the number of them). */
export function forkHeading(branches: number): string {
  return branches === 2 ? 'Continued on two workstations' : `Continued on ${branches} workstations`;
}

/** The index of the branch whose first turn is `turnId`, or null. */
function branchOfTurn(fork: StoredFork, turnId: string | null): number | null {
  if (turnId === null) return null;
  const index = fork.branches.findIndex((branch) => branch.turns[0]?.turnId === turnId);
  return index < 0 ? null : index;
}

/** A branch's turns, read-only (the branch not chosen, or none chosen yet). */
function BranchTurns({ turns }: { turns: readonly Turn[] }) {
  return (
    <>
      {turns.map((turn) => (
        <article key={turn.key} className="turn" aria-label={`Turn ${turn.seq ?? ''}`.trim()}>
          <div className="turn-question">
            <span className="turn-who">Clinician</span>
            <p className="turn-message">{turn.message}</p>
          </div>
          <div className="turn-answer">
            <span className="turn-who">Assistant</span>
            <div className="answer markdown">
              <Markdown text={turn.answer} />
            </div>
          </div>
        </article>
      ))}
    </>
  );
}

/** One branch not (or not yet) gone on from: its turns, and "Go on from here". */
function OtherBranch({ branch, index, collapsed, headingId }: { branch: StoredForkBranch; index: number; collapsed: boolean; headingId: string }) {
  const goOnFromBranch = useAppStore((s) => s.goOnFromBranch);
  const busy = useAppStore((s) => s.runningTurnKey !== null || s.resuming);
  const [open, setOpen] = useState(false);
  const listId = `${headingId}-turns`;
  return (
    <section className={collapsed ? 'fork-branch fork-branch-collapsed' : 'fork-branch'} aria-labelledby={headingId} data-testid="fork-branch">
      <h4 id={headingId}>{branch.label}</h4>
      {collapsed && (
        <button type="button" className="button-quiet" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)}>
          {open ? `Hide the continuation on ${branch.label}` : `Also continued on ${branch.label} — show`}
        </button>
      )}
      {(!collapsed || open) && (
        <div id={listId} className="fork-branch-turns">
          <BranchTurns turns={branch.turns} />
        </div>
      )}
      <button type="button" className="button-secondary" aria-describedby={headingId} disabled={busy} onClick={() => void goOnFromBranch(index)}>
        Go on from here
      </button>
    </section>
  );
}

/**
 * A session continued on two workstations while they could not sync: below the part they share, "Continued on two
 * workstations" and the branches — side by side until the clinician chooses where to go on; then the chosen one
 * (with the turns asked since, live) and the others collapsed ("Also continued on … — show"). None is ever dropped.
 */
export function ForkSection() {
  const fork = useAppStore((s) => s.fork);
  const count = useAppStore((s) => s.turns.length);
  // A live session goes on along the branch after the shared part in its turns (the most recently used one until the
  // clinician chooses): shown as the one going on, so a follow-up appears where the model was told it belongs.
  const goingOn = useAppStore((s) => (s.fork === null || s.sessionMode !== 'live' ? null : branchOfTurn(s.fork, s.turns[s.fork.commonCount]?.turnId ?? null)));
  const headingId = useId();
  if (fork === null) return null;
  const chosen = fork.chosen ?? goingOn;
  return (
    <section className="fork" aria-labelledby={headingId} data-testid="fork">
      <h3 id={headingId}>{forkHeading(fork.branches.length)}</h3>
      {chosen === null ? (
        <p className="muted">
          This session was continued on {fork.branches.map((branch) => branch.label).join(' and ')} while they could not reach the sync server. Both
          are kept. Choose where to go on.
        </p>
      ) : fork.chosen === null ? (
        <p className="muted">
          The next follow-up goes on from {fork.branches[chosen]?.label}, used last. To go on from another, use its “Go on from here”.
        </p>
      ) : null}
      <div className={chosen === null ? 'fork-branches fork-side-by-side' : 'fork-branches'}>
        {fork.branches.map((branch, index) =>
          index === chosen ? (
            <section key={branch.lastTurnId} className="fork-branch fork-branch-chosen" aria-labelledby={`${headingId}-${index}`} data-testid="fork-branch">
              <h4 id={`${headingId}-${index}`}>{branch.label} — going on here</h4>
              {Array.from({ length: Math.max(0, count - fork.commonCount) }, (_, offset) => (
                <TurnView key={fork.commonCount + offset} index={fork.commonCount + offset} />
              ))}
            </section>
          ) : (
            <OtherBranch key={branch.lastTurnId} branch={branch} index={index} collapsed={chosen !== null} headingId={`${headingId}-${index}`} />
          ),
        )}
      </div>
    </section>
  );
}
