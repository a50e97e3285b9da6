import { describe, expect, it } from 'vitest';
import { PullOutput } from '../../shared/sync/changes';
import { pullBody } from './pullBody';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('pullBody', () => {
  it('writes JSON that parses back to the answer, blobs byte for byte, for every kind of change and an empty page', () => {
    const answer = PullOutput.parse({
      changes: [
        { kind: 'record', changeNo: 1, id: uuid(1), sessionId: uuid(2), version: 3, day: null, blob: Buffer.from('sealed record ü').toString('base64') },
        { kind: 'key', changeNo: 2, id: uuid(2), sessionId: uuid(2), version: 1, day: '2026-12-01', blob: 'AAEC/+8=' },
        { kind: 'tombstone', changeNo: 3, sessionId: uuid(4), reason: 'retention', day: '2026-11-30' },
        { kind: 'tombstone', changeNo: 4, sessionId: uuid(5), reason: 'deleted', day: '2026-11-30', proof: 'cHJvb2Y=' },
      ],
      next: 4,
      more: true,
      resync: false,
    });
    expect(JSON.parse(pullBody(answer).toString('utf8'))).toEqual(answer);
    const empty = { changes: [], next: 0, more: true, resync: true };
    expect(JSON.parse(pullBody(empty).toString('utf8'))).toEqual(empty);
  });
});
