/**
 * How two manifests of one session relate (the turn records each session record lists), and their union: the
 * decision main makes when a pulled session record meets the one this workstation sealed last — one covers the other
 * (an ordinary newer or older version), or each lists turns the other lacks (the session was continued on two
 * workstations while they could not reach the sync server).
 */
import type { ManifestEntry } from '../../../shared/vault';

/**
 * - `remote-covers`: the pulled manifest lists every turn of the local one, each at least in its version (equal
 *   manifests included): the pulled record is simply as new or newer — nothing to merge;
 * - `local-covers`: the local one lists every turn of the pulled one (and more): the pulled record is older;
 * - `diverged`: each lists a turn (or a newer version of one) the other lacks — both must be kept: merge.
 */
export type ManifestRelation = 'remote-covers' | 'local-covers' | 'diverged';

/** True when `wide` lists every turn of `narrow`, each in at least its version. */
function covers(wide: readonly ManifestEntry[], narrow: readonly ManifestEntry[]): boolean {
  const byId = new Map(wide.map((entry) => [entry.id, entry]));
  return narrow.every((entry) => {
    const listed = byId.get(entry.id);
    return listed !== undefined && listed.rv >= entry.rv;
  });
}

/** See {@link ManifestRelation}. */
export function relateManifests(local: readonly ManifestEntry[], remote: readonly ManifestEntry[]): ManifestRelation {
  if (covers(remote, local)) return 'remote-covers';
  if (covers(local, remote)) return 'local-covers';
  return 'diverged';
}

/**
 * The union of two manifests by turn id, the higher version per id, in the order session records list turns (seq,
 * then id). The same two manifests give the same union whichever side computes it, so two workstations merging at
 * once seal equal manifests, and neither sees anything to merge in the other's.
 */
export function unionOfManifests(a: readonly ManifestEntry[], b: readonly ManifestEntry[]): ManifestEntry[] {
  const byId = new Map<string, ManifestEntry>();
  for (const entry of [...a, ...b]) {
    const known = byId.get(entry.id);
    if (!known || known.rv < entry.rv) byId.set(entry.id, entry);
  }
  return [...byId.values()].sort((x, y) => x.seq - y.seq || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}
