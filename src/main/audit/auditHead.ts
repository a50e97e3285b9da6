import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { sameMac } from './auditEntry';

/**
 * The chain head, kept in its own file (`audit.head`) and rewritten after every append: the seq and MAC of the
 * last entry. Cutting entries off the end of the log leaves a valid chain, so only the head can tell that more
 * entries existed.
 *
 * The head carries its own tag, an HMAC over seq and MAC, because the MACs in the log are readable by anyone:
 * without the tag, whoever cut the log could write a matching head from the last line left. (Replaying an old
 * head file kept from earlier remains possible; that is the limit of any head stored beside the log.)
 */
export interface AuditHead {
  readonly seq: number;
  readonly mac: string;
}

const StoredHead = z.strictObject({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
  tag: z.string().regex(/^[0-9a-f]{64}$/),
});

/** The tag over a head. The `audit.head:` prefix keeps it apart from entry MACs, whose input starts with hex. */
function headTag(key: Uint8Array, head: AuditHead): string {
  return createHmac('sha256', key).update(`audit.head:${head.seq}:${head.mac}`, 'utf8').digest('hex');
}

/** The contents of `audit.head` for `head`. */
export function headFileText(key: Uint8Array, head: AuditHead): string {
  return `${JSON.stringify({ seq: head.seq, mac: head.mac, tag: headTag(key, head) })}\n`;
}

/** What `audit.head` says, if anything trustworthy. */
export type HeadReading =
  | { readonly kind: 'ok'; readonly head: AuditHead }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'forged' };

/** Reads the contents of `audit.head` (null when the file does not exist) and checks its tag. */
export function readHead(key: Uint8Array, text: string | null): HeadReading {
  if (text === null) return { kind: 'missing' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable' };
  }
  const parsed = StoredHead.safeParse(json);
  if (!parsed.success) return { kind: 'unreadable' };
  const head = { seq: parsed.data.seq, mac: parsed.data.mac };
  return sameMac(headTag(key, head), parsed.data.tag) ? { kind: 'ok', head } : { kind: 'forged' };
}
