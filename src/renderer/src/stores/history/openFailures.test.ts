import { describe, expect, it } from 'vitest';
import type { OpenFailureReason } from '../../../../shared/vault';
import { sessionRecord, turnRecord } from '../../db/testing/records';
import { judgeOpenFailures } from './openFailures';
import type { FailedRecord } from './openThroughMain';

const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';

function failed(sessionId: string, reason: OpenFailureReason, kind: 'session' | 'turn' = 'turn'): FailedRecord {
  return { record: kind === 'session' ? sessionRecord({ id: sessionId }) : turnRecord(sessionId), reason };
}

describe('judgeOpenFailures', () => {
  it('deletes only for shredded, keeps and marks unknown-key and rolled-back, sets aside tampered and malformed, leaves forbidden alone', () => {
    const tampered = failed(S2, 'tampered');
    const malformed = failed(S2, 'malformed', 'session');
    const verdict = judgeOpenFailures([failed(S1, 'shredded'), tampered, malformed, failed(S2, 'forbidden'), failed(S2, 'unknown-key'), failed(S2, 'rolled-back')]);
    expect(verdict.shredded).toEqual(new Set([S1]));
    expect(verdict.keyMissing).toEqual(new Set([S2]));
    expect(verdict.rolledBack).toEqual(new Set([S2]));
    expect(verdict.toQuarantine).toEqual([tampered, malformed]);
  });

  it('never deletes a session whose key is only missing, however many of its records say so', () => {
    const verdict = judgeOpenFailures([failed(S1, 'unknown-key', 'session'), failed(S1, 'unknown-key'), failed(S1, 'unknown-key')]);
    expect(verdict.shredded.size).toBe(0);
    expect(verdict.keyMissing).toEqual(new Set([S1]));
  });

  it('lets a shredded session go whole: it is neither marked nor set aside', () => {
    const verdict = judgeOpenFailures([failed(S1, 'shredded'), failed(S1, 'tampered'), failed(S1, 'rolled-back'), failed(S1, 'unknown-key')]);
    expect(verdict).toEqual({ shredded: new Set([S1]), keyMissing: new Set(), rolledBack: new Set(), toQuarantine: [] });
  });
});
