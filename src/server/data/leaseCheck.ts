/** The fencing rule a push is checked against, in the push's own transaction. */
import type { PoolClient } from 'pg';

interface LeaseRow {
  session_id: string;
  fencing: string;
  holder_workstation: string | null;
  holder_label: string | null;
  expires_at: Date;
}

/** Why a session's items were refused, with the holder's label for the workstation's "open on …". */
export interface Fenced {
  readonly holderLabel: string | null;
}

/**
 * Locks the lease rows of `sessionIds` (so no lease changes hands before the push commits) and answers the
 * sessions a write must be refused for: an unexpired lease held by another workstation, an unexpired lease of
 * this workstation without the current fencing token, or any proof that is not the current token (a holder that
 * lost its lease while paused). A session with no lease, or an expired one and no proof, is accepted: offline
 * continuation, which workstations show as two branches.
 */
export async function fencedSessions(
  db: PoolClient,
  profileId: string,
  workstationId: string,
  sessionIds: readonly string[],
  proofs: ReadonlyMap<string, number>,
  now: Date,
): Promise<Map<string, Fenced>> {
  const { rows } = await db.query<LeaseRow>(
    `SELECT session_id, fencing, holder_workstation, holder_label, expires_at FROM leases
       WHERE profile_id = $1 AND session_id = ANY($2::uuid[]) ORDER BY session_id FOR UPDATE`,
    [profileId, sessionIds],
  );
  const fenced = new Map<string, Fenced>();
  for (const lease of rows) {
    const proof = proofs.get(lease.session_id);
    const live = lease.expires_at.getTime() > now.getTime();
    const wrongProof = proof !== undefined && proof !== Number(lease.fencing);
    const heldElsewhere = live && lease.holder_workstation !== workstationId;
    const heldWithoutProof = live && proof === undefined;
    if (wrongProof || heldElsewhere || heldWithoutProof) {
      fenced.set(lease.session_id, { holderLabel: heldElsewhere ? lease.holder_label : null });
    }
  }
  return fenced;
}
