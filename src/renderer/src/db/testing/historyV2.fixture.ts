/**
 * Version 2 of the history database, frozen: the rows a workstation holds at schema version 2 — records of both
 * formats side by side (v2 with its version counter `rv`, and v1 records not re-sealed yet) — written by
 * migrations.test.ts with Dexie declared up to version 2 only, then opened at the current version (check 24).
 *
 * NEVER edit this file: it stands for databases already on workstations. A new version gets its own fixture.
 *
 * The ciphertext is real AES-256-GCM, sealed with `FIXTURE_KEY` of historyV1.fixture.ts and the same test-only
 * additional data, `JSON.stringify([id, sessionId, ownerId, kind, v])` (main's real v2 binding covers every header
 * field; the stand-in only has to prove the bytes survive). The plaintexts are synthetic; no patient data. The
 * quarantined record's ciphertext is deliberately garbage.
 */
import type { VersionFixture } from './migrationHarness';

/** What each sealed payload opens to, by record id. */
export const FIXTURE_V2_PLAINTEXTS: Readonly<Record<string, string>> = {
  '11111111-1111-4111-8111-111111111111': '{"title":"Fixture v2 session one"}',
  '22222222-2222-4222-8222-222222222222': '{"title":"Fixture v2 session two, older format"}',
  '33333333-3333-4333-8333-333333333333': '{"title":"Fixture v2 session three"}',
  'a1111111-1111-4111-8111-111111111111': '{"message":"fixture v2 message 1","answer":"fixture v2 answer 1"}',
  'a1222222-2222-4222-8222-222222222222': '{"message":"fixture v2 message 2","answer":"fixture v2 answer 2 (locked)"}',
  'a1233333-3333-4333-8333-333333333333': '{"message":"fixture v2 message 2","answer":"fixture v2 answer 2, regenerated"}',
  'a2111111-1111-4111-9111-111111111111': '{"message":"fixture v2 message pending, older format"}',
  'a3111111-1111-4111-a111-111111111111': '{"message":"fixture v2 message 3","error":"LLM_UNAVAILABLE"}',
};

/**
 * Rows per table, as stored at version 2: three sessions (two owners; one still in format v1) and a tombstone, five
 * turns (one a regenerated sibling, one a v1 pending turn), one quarantined record. Typed structurally, not with
 * today's row types, so it stays valid whatever later versions change.
 */
export const historyV2Fixture: VersionFixture = {
  version: 2,
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
        createdAt: '2026-02-05T09:00:00.000Z',
        updatedAt: '2026-02-05T10:00:00.000Z',
        v: 2,
        rv: 4,
        iv: 'AAAAAAAAAAAAAAAK',
        ct: 'n4l1PU2mo7M/ycglX9puvMaiZ+QRXuNbLTSC02kl6soAOeDIG+S74SipMHPYSMpfCyM=',
      },
      {
        id: '22222222-2222-4222-8222-222222222222',
        kind: 'session',
        sessionId: '22222222-2222-4222-8222-222222222222',
        ownerId: 'clinician-a',
        seq: 0,
        parentTurnId: null,
        status: 'pending',
        createdAt: '2026-02-06T08:00:00.000Z',
        updatedAt: '2026-02-06T08:05:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAL',
        ct: 'h4MGi4Z0GQigBel5uyOkqyMDoPWaorB4buMJqJeSeOI/Rt/wl4CUHVW8Ntl3cHA00hbB/q8gsm6Ceh1AU1yBtQ==',
      },
      {
        id: '33333333-3333-4333-8333-333333333333',
        kind: 'session',
        sessionId: '33333333-3333-4333-8333-333333333333',
        ownerId: 'clinician-b',
        seq: 0,
        parentTurnId: null,
        status: 'error',
        createdAt: '2026-02-04T12:00:00.000Z',
        updatedAt: '2026-02-04T12:01:00.000Z',
        v: 2,
        rv: 1,
        iv: 'AAAAAAAAAAAAAAAM',
        ct: 'grJPBJ81nkeSAjW6lHK67rg8H4jdiBHbxrEnMmomUL/zYm+DzzWLBZIEymvEhu/u0BX2Iw==',
      },
      {
        id: '44444444-4444-4444-8444-444444444444',
        ownerId: 'clinician-a',
        updatedAt: '2026-02-07T00:00:00.000Z',
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
        createdAt: '2026-02-05T09:00:00.000Z',
        updatedAt: '2026-02-05T09:01:00.000Z',
        v: 2,
        rv: 2,
        iv: 'AAAAAAAAAAAAAAAN',
        ct: 'lUyzV9yH1F8qT9kPuT/QFbBv5lBCf9nVFQfJZfWdnCELYHq8Zl/V70c7/zGLoSrC9cfeQn79xadzWXlJNh+LHYoZWSyVLE2Wq+aGu5i/zKs4',
      },
      {
        id: 'a1222222-2222-4222-8222-222222222222',
        kind: 'turn',
        sessionId: '11111111-1111-4111-8111-111111111111',
        ownerId: 'clinician-a',
        seq: 2,
        parentTurnId: null,
        status: 'incomplete',
        createdAt: '2026-02-05T09:30:00.000Z',
        updatedAt: '2026-02-05T09:31:00.000Z',
        v: 2,
        rv: 2,
        iv: 'AAAAAAAAAAAAAAAO',
        ct: 'XrFJLhmumEA84s8DMILzqkdI+f39QSREf2I7mbb1zkm+tH8UsSah27kaEzd75oYHZDgGyE6BwzF1SZ+itmRAIxVSbArDxtn4D/YSzyWkJxr22zdpI4KNFXWJ',
      },
      {
        id: 'a1233333-3333-4333-8333-333333333333',
        kind: 'turn',
        sessionId: '11111111-1111-4111-8111-111111111111',
        ownerId: 'clinician-a',
        seq: 2,
        parentTurnId: 'a1222222-2222-4222-8222-222222222222',
        status: 'complete',
        createdAt: '2026-02-05T09:40:00.000Z',
        updatedAt: '2026-02-05T10:00:00.000Z',
        v: 2,
        rv: 1,
        iv: 'AAAAAAAAAAAAAAAP',
        ct: 'SmcQ6gSHa4PcZe/S2KwlqkFDlSmU7+GvaFWP+5QL9LjB1CbUpy3qSf6F43YV436z7vUb/6EOw8/nfAFNUIpOoCcMTdo8jhqZ14YxhSclGvqJT2O7oz5oGPXXk1nPuw==',
      },
      {
        id: 'a2111111-1111-4111-9111-111111111111',
        kind: 'turn',
        sessionId: '22222222-2222-4222-8222-222222222222',
        ownerId: 'clinician-a',
        seq: 1,
        parentTurnId: null,
        status: 'pending',
        createdAt: '2026-02-06T08:00:00.000Z',
        updatedAt: '2026-02-06T08:05:00.000Z',
        v: 1,
        iv: 'AAAAAAAAAAAAAAAQ',
        ct: 'eKD2IRWS4eUCLX3IiObpYwY+Bdq/qeKURVJdybxfRfjLF7mVg3blxysEicl0sD48+kSMNJ3Vc0Rs0qs2GRdVkRCGGcIRug==',
      },
      {
        id: 'a3111111-1111-4111-a111-111111111111',
        kind: 'turn',
        sessionId: '33333333-3333-4333-8333-333333333333',
        ownerId: 'clinician-b',
        seq: 1,
        parentTurnId: null,
        status: 'error',
        createdAt: '2026-02-04T12:00:00.000Z',
        updatedAt: '2026-02-04T12:01:00.000Z',
        v: 2,
        rv: 2,
        iv: 'AAAAAAAAAAAAAAAR',
        ct: '706pa4DBgHttTj7Qj1G1ojmc30zh0Gs4Zqugp1LODhDIxtPYmo3mMWWZ1CDlVaufQC9pSHWtGht0bDJv6fMojEl8hri0xA+PuJ+NNw==',
      },
    ],
    quarantine: [
      {
        id: 'b2222222-2222-4222-b222-222222222222',
        kind: 'turn',
        sessionId: '22222222-2222-4222-8222-222222222222',
        ownerId: 'clinician-a',
        reason: 'vault.open: tampered',
        quarantinedAt: '2026-02-06T09:00:00.000Z',
        record: {
          id: 'b2222222-2222-4222-b222-222222222222',
          kind: 'turn',
          sessionId: '22222222-2222-4222-8222-222222222222',
          ownerId: 'clinician-a',
          seq: 2,
          parentTurnId: null,
          status: 'complete',
          createdAt: '2026-02-06T08:10:00.000Z',
          updatedAt: '2026-02-06T08:11:00.000Z',
          v: 2,
          rv: 1,
          iv: 'AAAAAAAAAAAAAAAS',
          ct: 'Z2FyYmFnZSBjaXBoZXJ0ZXh0IC0tIGRvZXMgbm90IG9wZW4=',
        },
      },
    ],
  },
};
