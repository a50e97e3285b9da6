import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TEST_PASSPHRASE } from '../../../test/support/mainForTests';
import { mainTestBed } from '../../../test/support/mainTestBed';
import type { ProtocolResponse } from '../../shared/protocol';
import { AUDIT_LOG_FILE } from '../audit/auditFiles';

/**
 * Every access to stored patient data is audited — whatever was opened, whatever failed — and none happens when the
 * audit log cannot be written (audit is a legal control: it does not fail open).
 */
const bed = mainTestBed();

const patient = { age: 52, sex: 'male', chiefComplaint: 'Crushing chest pain' };

describe('audited access to stored records', () => {
  it('opening only some turn records of a session is audited as opening that session', async () => {
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const turns = bed.main.deliveredRecords().filter((record) => record.kind === 'turn');
    await bed.main.callOk('vault.open', { records: turns.slice(-1) });
    const opened = (await bed.main.auditEntries()).filter((entry) => entry.action === 'session.opened');
    expect(opened).toEqual([expect.objectContaining({ objectId: first.sessionId })]);
  });

  it('a damaged record is audited (record malformed), by id', async () => {
    await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const turn = bed.main.deliveredRecords().filter((record) => record.kind === 'turn').at(-1)!;
    await bed.main.callOk('vault.open', { records: [{ ...turn, iv: 'AAAA' }] });
    await vi.waitFor(async () =>
      expect(await bed.main.auditEntries()).toContainEqual(expect.objectContaining({ action: 'vault.record_malformed', objectId: turn.id })),
    );
  });

  it('a session the patient declined storage for is audited when it opens', async () => {
    const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient, doNotKeep: true });
    await vi.waitFor(async () =>
      expect(await bed.main.auditEntries()).toContainEqual(expect.objectContaining({ action: 'session.created_unkept', objectId: first.sessionId })),
    );
    expect(bed.main.deliveredRecords()).toEqual([]);
  });
});

describe('when the audit log cannot be written', () => {
  it('opening, indexing, searching and exporting stop with AUDIT_UNAVAILABLE, leave nothing behind, and come back once it can', async () => {
    await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const records = bed.main.deliveredRecords();
    // A fresh sign-in: main's memory of the history starts empty.
    const { profileId } = await bed.main.callOk<{ profileId: string }>('auth.state');
    await bed.main.callOk('auth.lock');
    await bed.main.callOk('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE });
    const log = join(bed.main.dataDir, AUDIT_LOG_FILE);
    // The log cannot be appended to: a folder stands where it was (the file is kept aside, intact).
    await rename(log, `${log}.aside`);
    await mkdir(log);
    for (const [operation, payload] of [
      ['vault.open', { records }],
      ['vault.index', { records }],
      ['vault.search', { query: 'chest' }],
      ['sessions.export', { format: 'json', records }],
    ] as const) {
      const result = await bed.main.call<{ results?: unknown[] }>(operation, payload);
      expect(result, operation).toMatchObject({ ok: false, error: { code: 'AUDIT_UNAVAILABLE' } });
      expect(JSON.stringify(result)).not.toMatch(/chest pain/i);
    }
    await rm(log, { recursive: true });
    await rename(`${log}.aside`, log);
    // Nothing the refused calls decrypted was kept for search.
    expect(await bed.main.callOk('vault.search', { query: 'chest' })).toEqual({ hits: [], indexedSessions: 0 });
  });
});
