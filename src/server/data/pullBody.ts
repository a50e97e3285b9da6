/**
 * A pull's answer as the bytes of its JSON, written straight into one Buffer.
 *
 * Why not `JSON.stringify` (what Fastify does with a returned object): a full page is ~2 MB of base64, and the
 * default path scans it three times more — stringify escapes every character, Fastify measures the string's UTF-8
 * length, then the socket encodes it — each about as slow as the whole database read on a busy machine (measured
 * 30–50 ms per 2 MB pull on two shared cores). A blob is base64, which JSON never escapes, so its characters are
 * copied as they are; everything else of a change is small and goes through `JSON.stringify`.
 */
import type { PullOutput } from '../../shared/sync/changes';

/** The JSON text of `answer` as UTF-8 bytes: `JSON.parse` of them equals `answer` (only key order may differ). */
export function pullBody(answer: PullOutput): Buffer {
  const parts: { text: string; latin1: boolean }[] = [];
  const { changes, ...rest } = answer;
  parts.push({ text: `${JSON.stringify(rest).slice(0, -1)},"changes":[`, latin1: false });
  changes.forEach((change, index) => {
    const separator = index === 0 ? '' : ',';
    if (!('blob' in change)) {
      parts.push({ text: separator + JSON.stringify(change), latin1: false });
      return;
    }
    const { blob, ...fields } = change;
    // `{"blob":"<base64>",<the other fields>}`: every change has fields besides its blob.
    parts.push({ text: `${separator}{"blob":"`, latin1: false }, { text: blob, latin1: true }, { text: `",${JSON.stringify(fields).slice(1)}`, latin1: false });
  });
  parts.push({ text: ']}', latin1: false });
  const lengths = parts.map((part) => (part.latin1 ? part.text.length : Buffer.byteLength(part.text)));
  const body = Buffer.allocUnsafe(lengths.reduce((sum, length) => sum + length, 0));
  let offset = 0;
  parts.forEach((part, index) => {
    offset += body.write(part.text, offset, lengths[index] as number, part.latin1 ? 'latin1' : 'utf8');
  });
  return body;
}
