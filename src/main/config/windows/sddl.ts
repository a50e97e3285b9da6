/**
 * A reader for the security descriptors Windows prints in SDDL (`O:BAG:SYD:PAI(A;OICI;FA;;;SY)…`), enough to judge
 * who owns a file and who may change it. It refuses anything it does not fully understand: a permission check
 * that skipped an entry it could not read would pass a file it should refuse.
 */

/** One access control entry with its rights resolved to a number. */
export interface AccessControlEntry {
  /** `A` allow, `D` deny, `OA`/`XA`/`ZA` object or conditional allow, … */
  readonly type: string;
  /** Inheritance flags: `OI`, `CI`, `IO`, `ID`, … */
  readonly flags: readonly string[];
  /** The access mask, unsigned 32-bit. */
  readonly mask: number;
  /** The trustee as a SID string (`S-1-5-32-545`), or the alias when it names no fixed SID (`DA`, `LA`…). */
  readonly sid: string;
  /** The entry as written, for messages: IT can find it in their own tools' output. */
  readonly text: string;
}

/** Owner and access list of one file or folder. */
export interface SecurityDescriptor {
  /** The owner's SID, or null when the descriptor names none. */
  readonly owner: string | null;
  /** The access list; null when there is none, which Windows reads as "everyone may do anything". */
  readonly dacl: readonly AccessControlEntry[] | null;
}

/** SDDL that could not be read. Its message names the part; it never holds a path. */
export class SddlError extends Error {
  override readonly name = 'SddlError';
}

/** The SDDL aliases of fixed SIDs (the domain-relative ones such as `DA` are kept as written), with their names. */
export const WELL_KNOWN_SIDS: Readonly<Record<string, { readonly sid: string; readonly name: string }>> = {
  BA: { sid: 'S-1-5-32-544', name: 'Administrators' },
  SY: { sid: 'S-1-5-18', name: 'SYSTEM' },
  BU: { sid: 'S-1-5-32-545', name: 'Users' },
  BG: { sid: 'S-1-5-32-546', name: 'Guests' },
  PU: { sid: 'S-1-5-32-547', name: 'Power Users' },
  AO: { sid: 'S-1-5-32-548', name: 'Account Operators' },
  SO: { sid: 'S-1-5-32-549', name: 'Server Operators' },
  PO: { sid: 'S-1-5-32-550', name: 'Print Operators' },
  BO: { sid: 'S-1-5-32-551', name: 'Backup Operators' },
  RD: { sid: 'S-1-5-32-555', name: 'Remote Desktop Users' },
  WD: { sid: 'S-1-1-0', name: 'Everyone' },
  CO: { sid: 'S-1-3-0', name: 'CREATOR OWNER' },
  CG: { sid: 'S-1-3-1', name: 'CREATOR GROUP' },
  OW: { sid: 'S-1-3-4', name: 'OWNER RIGHTS' },
  NU: { sid: 'S-1-5-2', name: 'NETWORK' },
  IU: { sid: 'S-1-5-4', name: 'INTERACTIVE' },
  SU: { sid: 'S-1-5-6', name: 'SERVICE' },
  AN: { sid: 'S-1-5-7', name: 'ANONYMOUS LOGON' },
  AU: { sid: 'S-1-5-11', name: 'Authenticated Users' },
  RC: { sid: 'S-1-5-12', name: 'RESTRICTED' },
  LS: { sid: 'S-1-5-19', name: 'LOCAL SERVICE' },
  NS: { sid: 'S-1-5-20', name: 'NETWORK SERVICE' },
  AC: { sid: 'S-1-15-2-1', name: 'ALL APPLICATION PACKAGES' },
};

/** What each SDDL right code means as bits of an access mask (generic, standard, object-specific, file, key). */
const RIGHT_BITS: Readonly<Record<string, number>> = {
  GA: 0x1000_0000,
  GR: 0x8000_0000,
  GW: 0x4000_0000,
  GX: 0x2000_0000,
  RC: 0x0002_0000,
  SD: 0x0001_0000,
  WD: 0x0004_0000,
  WO: 0x0008_0000,
  CC: 0x0000_0001,
  DC: 0x0000_0002,
  LC: 0x0000_0004,
  SW: 0x0000_0008,
  RP: 0x0000_0010,
  WP: 0x0000_0020,
  DT: 0x0000_0040,
  LO: 0x0000_0080,
  CR: 0x0000_0100,
  FA: 0x001f_01ff,
  FR: 0x0012_0089,
  FW: 0x0012_0116,
  FX: 0x0012_00a0,
  KA: 0x000f_003f,
  KR: 0x0002_0019,
  KW: 0x0002_0006,
  KX: 0x0002_0019,
};

const ACE_TYPES = new Set(['A', 'D', 'OA', 'OD', 'XA', 'XD', 'ZA', 'AU', 'AL', 'OU', 'OL', 'XU', 'ML', 'SP', 'RA']);
const ACE_FLAGS = new Set(['CI', 'OI', 'NP', 'IO', 'ID', 'SA', 'FA', 'TP', 'CR']);
const SID_TOKEN = /^(?:S-1-\d+(?:-\d+)+|[A-Z]{2})/;
const ACL_FLAGS = /^(?:NO_ACCESS_CONTROL|P|AI|AR)*/;

/**
 * Parses SDDL as `ObjectSecurity.GetSecurityDescriptorSddlForm` or `Get-Acl`'s `.Sddl` print it. Throws
 * {@link SddlError} on anything it does not recognise, including a repeated part or trailing text.
 */
export function parseSddl(sddl: string): SecurityDescriptor {
  const text = sddl.trim();
  const seen = new Set<string>();
  let owner: string | null = null;
  let dacl: AccessControlEntry[] | null = null;
  let at = 0;
  while (at < text.length) {
    const part = /^([OGDS]):/.exec(text.slice(at))?.[1];
    if (!part || seen.has(part)) throw new SddlError(`unexpected text at character ${at}`);
    seen.add(part);
    at += 2;
    if (part === 'O' || part === 'G') {
      const sid = SID_TOKEN.exec(text.slice(at))?.[0];
      if (!sid) throw new SddlError(`no SID after ${part}:`);
      if (part === 'O') owner = canonicalSid(sid);
      at += sid.length;
      continue;
    }
    const flags = ACL_FLAGS.exec(text.slice(at))![0];
    at += flags.length;
    const entries: AccessControlEntry[] = [];
    while (text[at] === '(') {
      const end = closingParenthesis(text, at);
      entries.push(parseAce(text.slice(at + 1, end)));
      at = end + 1;
    }
    // Only the access list decides who may write; an audit list (S:) is read for its shape and set aside.
    if (part === 'D') dacl = flags.includes('NO_ACCESS_CONTROL') ? null : entries;
  }
  return { owner, dacl: seen.has('D') ? dacl : null };
}

/** The SID an alias stands for, or the SID as written. */
export function canonicalSid(token: string): string {
  return WELL_KNOWN_SIDS[token]?.sid ?? token;
}

/** Index of the `)` closing the entry opened at `open`, skipping quoted text and the conditions of callback entries. */
function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let at = open; at < text.length; at++) {
    const character = text[at];
    if (character === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (character === '(') depth++;
    else if (character === ')' && --depth === 0) return at;
  }
  throw new SddlError('an access entry is not closed');
}

function parseAce(body: string): AccessControlEntry {
  const fields = body.split(';');
  // type;flags;rights;object guid;inherited object guid;trustee[;condition or attribute, which may hold ';']
  if (fields.length < 6) throw new SddlError(`access entry (${body}) has too few fields`);
  const [type, flagText, rights, , , trustee] = fields as [string, string, string, string, string, string];
  if (!ACE_TYPES.has(type)) throw new SddlError(`access entry (${body}) has an unknown type`);
  const flags = flagText.match(/.{1,2}/g) ?? [];
  if (!flags.every((flag) => ACE_FLAGS.has(flag))) throw new SddlError(`access entry (${body}) has unknown flags`);
  if (!SID_TOKEN.test(trustee) || SID_TOKEN.exec(trustee)![0] !== trustee) throw new SddlError(`access entry (${body}) has no valid trustee`);
  return { type, flags, mask: parseRights(rights, body), sid: canonicalSid(trustee), text: `(${body})` };
}

function parseRights(rights: string, body: string): number {
  if (/^0x[0-9a-f]{1,8}$/i.test(rights)) return Number.parseInt(rights.slice(2), 16) >>> 0;
  if (/^[1-9]\d{0,9}$/.test(rights) && Number(rights) <= 0xffff_ffff) return Number(rights) >>> 0;
  const codes = rights.match(/.{1,2}/g) ?? [];
  if (codes.length === 0 || !codes.every((code) => code in RIGHT_BITS)) throw new SddlError(`access entry (${body}) has unknown rights`);
  return codes.reduce((mask, code) => (mask | RIGHT_BITS[code]!) >>> 0, 0);
}
