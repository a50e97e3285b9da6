import { randomUUID } from 'node:crypto';

/**
 * A record shaped like those the page keeps (it passes the contract's schema but opens under no key), with a
 * ciphertext of `ctChars` base64 characters: for tests about how much a call may carry, not about crypto.
 */
export function sealedRecordLike(ctChars: number): Record<string, unknown> {
  const now = '2026-03-01T10:00:00.000Z';
  return {
    id: randomUUID(),
    kind: 'turn',
    sessionId: '3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f',
    ownerId: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
    seq: 1,
    parentTurnId: null,
    status: 'complete',
    createdAt: now,
    updatedAt: now,
    v: 1,
    iv: 'AAAAAAAAAAAAAAAA',
    ct: 'A'.repeat(ctChars),
  };
}
