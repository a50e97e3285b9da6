/**
 * Version 1 of the history database, frozen: the rows a workstation held at schema version 1, written by
 * migrations.test.ts with Dexie declared at version 1 only, then opened at the current version (check 24).
 *
 * NEVER edit this file: it stands for databases already on workstations. A new version gets its own fixture.
 *
 * The ciphertext is real AES-256-GCM, sealed with {@link FIXTURE_KEY} (test-only, bytes 1..32) and additional data
 * `JSON.stringify([id, sessionId, ownerId, kind, v])` — a stand-in for main's real binding, so the test can prove every
 * payload still opens after the upgrade. The plaintexts are synthetic; no patient data. The quarantined record's
 * ciphertext is deliberately garbage.
 */
import type { VersionFixture } from './migrationHarness';

/** The AES-256 key that sealed the fixture (test-only). */
export const FIXTURE_KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

/** What each sealed payload opens to, by record id. */
export const FIXTURE_PLAINTEXTS: Readonly<Record<string, string>> = {
  '11111111-1111-4111-8111-111111111111': '{"title":"Fixture session one"}',
  '22222222-2222-4222-8222-222222222222': '{"title":"Fixture session two"}',
  '33333333-3333-4333-8333-333333333333': '{"title":"Fixture session three"}',
  'a1111111-1111-4111-8111-111111111111': '{"message":"fixture message 1","answer":"fixture answer 1"}',
  'a1222222-2222-4222-8222-222222222222': '{"message":"fixture message 2","answer":"fixture answer 2 (cut)"}',
  'a1233333-3333-4333-8333-333333333333': '{"message":"fixture message 2","answer":"fixture answer 2, regenerated"}',
  'a2111111-1111-4111-9111-111111111111': '{"message":"fixture message pending"}',
  'a3111111-1111-4111-a111-111111111111': '{"message":"fixture message 3","error":"LLM_UNAVAILABLE"}',
};

/**
 * Rows per table, as stored at version 1: three sessions (two owners) and a tombstone, five turns (one a regenerated
 * sibling, one pending), one quarantined record. Typed structurally, not with today's row types, so it stays valid
 * whatever later versions change.
 */
export const historyV1Fixture: VersionFixture = {
  version: 1,
  tables: {
    sessions: [
      {
        id: '11111111-1111-4111-8111-111111111111',
        kind: 'session',
        sessionId: '11111111-1111-4111-8111-111111111111',
        ownerId: 'clinician-a',
        seq: 0,
        parentTurnId: null,
        status: 'complete',
        createdAt: '2026-01-05T09:00:00.000Z',
        updatedAt: '2026-01-05T10:00:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAB',
        ct: '1+qe1dFsVCxN6oYA6qAO2LBQSGQhNmG6tpsoNudLlwbfSY5bkUcu5sLHOL6t3sQ=',
      },
      {
        id: '22222222-2222-4222-8222-222222222222',
        kind: 'session',
        sessionId: '22222222-2222-4222-8222-222222222222',
        ownerId: 'clinician-a',
        seq: 0,
        parentTurnId: null,
        status: 'pending',
        createdAt: '2026-01-06T08:00:00.000Z',
        updatedAt: '2026-01-06T08:05:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAC',
        ct: 'EwliWBvd4oTRYk0zp7UVptRP+ZYuNxn0VhsUt8mo7o4vpS2Awfk7jgZHNZ8xwCk=',
      },
      {
        id: '33333333-3333-4333-8333-333333333333',
        kind: 'session',
        sessionId: '33333333-3333-4333-8333-333333333333',
        ownerId: 'clinician-b',
        seq: 0,
        parentTurnId: null,
        status: 'error',
        createdAt: '2026-01-04T12:00:00.000Z',
        updatedAt: '2026-01-04T12:01:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAD',
        ct: 'F+HpsFDvDuKeg76Wjbdoho1gTbNJIPVa9egT96vauGvzDyKfedOtbD1QOVdbrlkAAA==',
      },
      {
        id: '44444444-4444-4444-8444-444444444444',
        ownerId: 'clinician-a',
        updatedAt: '2026-01-07T00:00:00.000Z',
        deleted: true,
      },
    ],
    turns: [
      {
        id: 'a1111111-1111-4111-8111-111111111111',
        kind: 'turn',
        sessionId: '11111111-1111-4111-8111-111111111111',
        ownerId: 'clinician-a',
        seq: 1,
        parentTurnId: null,
        status: 'complete',
        createdAt: '2026-01-05T09:00:00.000Z',
        updatedAt: '2026-01-05T09:01:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAE',
        ct: 'kX9AdeckrKgDQNsCP6NnXRGzfCsBMitIM0mPOb/7phd9fgM+J/GgcwVCjooXvXlR/rf5mIV9JFHKk79ysxM7iQ291ds+EIXbRBuG',
      },
      {
        id: 'a1222222-2222-4222-8222-222222222222',
        kind: 'turn',
        sessionId: '11111111-1111-4111-8111-111111111111',
        ownerId: 'clinician-a',
        seq: 2,
        parentTurnId: null,
        status: 'incomplete',
        createdAt: '2026-01-05T09:30:00.000Z',
        updatedAt: '2026-01-05T09:31:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAF',
        ct: 'mHzrUAfaXnK1NGpCf2xwUegRu2gFt31QGFJgFSotQmjHrqwXQud3d7L70J2VPCzAQK7+3N1av9jGyn48XsqEb0ghIhR6n8TTRgDG9IjwVQas',
      },
      {
        id: 'a1233333-3333-4333-8333-333333333333',
        kind: 'turn',
        sessionId: '11111111-1111-4111-8111-111111111111',
        ownerId: 'clinician-a',
        seq: 2,
        parentTurnId: 'a1222222-2222-4222-8222-222222222222',
        status: 'complete',
        createdAt: '2026-01-05T09:40:00.000Z',
        updatedAt: '2026-01-05T10:00:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAG',
        ct: 'MV2L76Ie++DFK8tfaW/YXBbSD9EcZbS3X9S2bNdAQYjgTdMBay+Znr3RFI+ziRmgwfKDD3BMvLHtZv4s4ON6Uaxv7bqruL7fDnb8CPoXRSDUvEizxjQP4g==',
      },
      {
        id: 'a2111111-1111-4111-9111-111111111111',
        kind: 'turn',
        sessionId: '22222222-2222-4222-8222-222222222222',
        ownerId: 'clinician-a',
        seq: 1,
        parentTurnId: null,
        status: 'pending',
        createdAt: '2026-01-06T08:00:00.000Z',
        updatedAt: '2026-01-06T08:05:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAH',
        ct: '8lEtj8RWd8mGun9R2unO6EO2vNZECNl7JTJ1vY3AdEJ7QkgEApvDm2Qk4Oag4f85Y6wT0ko=',
      },
      {
        id: 'a3111111-1111-4111-a111-111111111111',
        kind: 'turn',
        sessionId: '33333333-3333-4333-8333-333333333333',
        ownerId: 'clinician-b',
        seq: 1,
        parentTurnId: null,
        status: 'error',
        createdAt: '2026-01-04T12:00:00.000Z',
        updatedAt: '2026-01-04T12:01:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAI',
        ct: 'X7jygjnjGX96lEKRkYqRhFhR8qIYhGFdIjwp+ZvAtAOTjNucl+OOhCZfff/WnR3bvRJK/Uowy6u/HRfBuEtVZgvpd0+K+r39/Q==',
      },
    ],
    quarantine: [
      {
        id: 'b2222222-2222-4222-b222-222222222222',
        kind: 'turn',
        sessionId: '22222222-2222-4222-8222-222222222222',
        ownerId: 'clinician-a',
        reason: 'OPEN_FAILED',
        quarantinedAt: '2026-01-06T09:00:00.000Z',
        record: {
          id: 'b2222222-2222-4222-b222-222222222222',
          kind: 'turn',
          sessionId: '22222222-2222-4222-8222-222222222222',
          ownerId: 'clinician-a',
          seq: 2,
          parentTurnId: null,
          status: 'complete',
          createdAt: '2026-01-06T08:10:00.000Z',
          updatedAt: '2026-01-06T08:11:00.000Z',
          v: 1,
          iv: 'AAAAAAAAAAAAAAAJ',
          ct: 'Z2FyYmFnZSBjaXBoZXJ0ZXh0IC0tIGRvZXMgbm90IG9wZW4=',
        },
      },
    ],
  },
};
