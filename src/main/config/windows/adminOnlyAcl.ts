import { parseSddl, SddlError, WELL_KNOWN_SIDS, type AccessControlEntry } from './sddl';

/** TrustedInstaller, the service that owns Windows' own files. */
const TRUSTED_INSTALLER = 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464';

/** Who may own and change the policy and its folder: Administrators, SYSTEM, TrustedInstaller. */
export const ADMIN_SIDS: ReadonlyMap<string, string> = new Map([
  [WELL_KNOWN_SIDS.BA!.sid, 'Administrators'],
  [WELL_KNOWN_SIDS.SY!.sid, 'SYSTEM'],
  [TRUSTED_INSTALLER, 'TrustedInstaller'],
]);

/**
 * The rights that only read: read data / list folder, read extended attributes, execute / traverse, read attributes,
 * read permissions, synchronise, generic read and execute. Every other bit — write or append data, add a file or
 * subfolder, write attributes, delete, delete a child, change permissions or owner, generic write or all, maximum
 * allowed, and any bit not named here — counts as a right to change the file or what the folder holds.
 */
const READ_ONLY_RIGHTS = (0x1 | 0x8 | 0x20 | 0x80 | 0x2_0000 | 0x10_0000 | 0x8000_0000 | 0x2000_0000) >>> 0;

/** Allow entries: plain, object, and conditional (a condition may hold for a user, so it is read as granting). */
const ALLOW_TYPES = new Set(['A', 'OA', 'XA', 'ZA']);
/** Deny entries only take rights away, so they never make a file unsafe. */
const DENY_TYPES = new Set(['D', 'OD', 'XD']);

/**
 * Why a file or folder with this security descriptor could be changed by someone other than an administrator, or an
 * empty list when it cannot. The owner must be Administrators, SYSTEM or TrustedInstaller (an owner may always
 * rewrite the permissions), and no entry may grant any right beyond reading to anyone else. Inherit-only entries
 * count too: on a folder they are what the next file created in it carries, and `CREATOR OWNER` there gives whoever
 * creates a file full control of it. SDDL that cannot be read is a problem, never a pass.
 */
export function adminOnlyProblems(sddl: string): string[] {
  let descriptor;
  try {
    descriptor = parseSddl(sddl);
  } catch (error) {
    if (error instanceof SddlError) return [`has permissions the app cannot read (${error.message})`];
    throw error;
  }
  const problems: string[] = [];
  if (descriptor.owner === null || !ADMIN_SIDS.has(descriptor.owner)) {
    problems.push(`is owned by ${descriptor.owner === null ? 'no one' : principal(descriptor.owner)}, not by Administrators, SYSTEM or TrustedInstaller`);
  }
  if (descriptor.dacl === null) {
    problems.push('has no access list, so everyone may change it');
    return problems;
  }
  for (const entry of descriptor.dacl) {
    const problem = entryProblem(entry);
    if (problem) problems.push(problem);
  }
  return problems;
}

function entryProblem(entry: AccessControlEntry): string | null {
  if (DENY_TYPES.has(entry.type)) return null;
  if (!ALLOW_TYPES.has(entry.type)) return `has an access entry the app does not expect there ${entry.text}`;
  if (ADMIN_SIDS.has(entry.sid)) return null;
  if ((entry.mask & ~READ_ONLY_RIGHTS) === 0) return null;
  return `lets ${principal(entry.sid)} change it ${entry.text}`;
}

/** `Users (S-1-5-32-545)`, or the SID alone when it has no well-known name. */
function principal(sid: string): string {
  const name = Object.values(WELL_KNOWN_SIDS).find((known) => known.sid === sid)?.name ?? ADMIN_SIDS.get(sid);
  return name ? `${name} (${sid})` : sid;
}
