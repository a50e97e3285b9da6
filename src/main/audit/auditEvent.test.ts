import { describe, expect, it } from 'vitest';
import { AuditError } from './auditError';
import { AUDIT_ACTIONS, parseAuditEvent } from './auditEvent';

const SESSION = '3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f';
const PROFILE = '0b7e1f52-6a3c-4d8e-9f10-2a4b6c8d0e1f';
const PATIENT_TEXT = 'Jane Doe, 1961-04-02, HIV positive';
/** Actions recorded by a count and nothing else. */
const COUNT_ONLY: readonly string[] = ['retention.shredded', 'audit.chain_broken'];
/** Actions about exactly one object (a session or a record), with no count. */
const ONE_OBJECT = ['session.created_unkept', 'session.turn_dropped', 'vault.record_malformed', 'vault.record_rolled_back', 'vault.key_missing'] as const;

/** The message of the AuditError `run` throws. */
function refusal(input: unknown): string {
  try {
    parseAuditEvent(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AuditError);
    expect((error as AuditError).kind).toBe('invalid-event');
    return (error as AuditError).message;
  }
  throw new Error('the event was accepted');
}

describe('audit events (check 25): ids, an action, a count — nothing else', () => {
  it('accepts every action of the closed list, with ids normalized to lower case and absent fields as null', () => {
    for (const action of AUDIT_ACTIONS) {
      if (COUNT_ONLY.includes(action)) continue;
      expect(parseAuditEvent({ action, profileId: PROFILE.toUpperCase(), objectId: SESSION })).toEqual({ action, profileId: PROFILE, objectId: SESSION, count: null });
    }
    expect(parseAuditEvent({ action: 'auth.locked' })).toEqual({ action: 'auth.locked', profileId: null, objectId: null, count: null });
    expect(parseAuditEvent({ action: 'vault.decrypt_failed', objectId: 'a'.repeat(64) }).objectId).toBe('a'.repeat(64));
  });

  it('refuses an unknown action', () => {
    expect(refusal({ action: 'patient.viewed' })).toMatch(/not a known audit action/);
    expect(refusal({ action: PATIENT_TEXT })).not.toContain('Jane');
  });

  it.each([
    ['free text', PATIENT_TEXT],
    ['a name that happens to be short', 'JaneDoe'],
    ['an id with text appended', `${SESSION} Jane Doe`],
    ['an almost-hex word', 'deadbeefJaneDoe0'],
    ['a very long hex string', 'a'.repeat(129)],
    ['an empty string', ''],
  ])('refuses %s as objectId or profileId, without repeating it', (_, text) => {
    for (const field of ['objectId', 'profileId']) {
      const message = refusal({ action: 'session.opened', [field]: text });
      expect(message).toContain(`${field} is not an id`);
      if (text) expect(message).not.toContain(text);
    }
  });

  it('refuses extra fields, without naming them (a key can carry text too)', () => {
    const message = refusal({ action: 'session.exported', objectId: SESSION, note: PATIENT_TEXT });
    expect(message).toMatch(/unexpected fields/);
    expect(message).not.toContain('Jane');
    expect(refusal({ action: 'session.exported', [PATIENT_TEXT]: 1 })).not.toContain('Jane');
  });

  it('refuses a count that is not a non-negative whole number, and non-objects', () => {
    expect(refusal({ action: 'vault.searched', count: '3 results for Jane' })).toMatch(/count must be a number/);
    expect(refusal({ action: 'vault.searched', count: -1 })).toMatch(/negative/);
    expect(refusal({ action: 'vault.searched', count: 1.5 })).toMatch(/whole/);
    expect(refusal(PATIENT_TEXT)).not.toContain('Jane');
    expect(refusal(null)).toMatch(/must be an object/);
  });

  it('audits retention by count only', () => {
    expect(parseAuditEvent({ action: 'retention.shredded', count: 12 })).toEqual({ action: 'retention.shredded', profileId: null, objectId: null, count: 12 });
    expect(refusal({ action: 'retention.shredded' })).toMatch(/needs a count/);
    expect(refusal({ action: 'retention.shredded', count: 1, objectId: SESSION })).toMatch(/count only/);
  });

  it('records a broken chain by the count of entries that verified before it, and nothing else', () => {
    expect(parseAuditEvent({ action: 'audit.chain_broken', count: 41 })).toEqual({ action: 'audit.chain_broken', profileId: null, objectId: null, count: 41 });
    expect(refusal({ action: 'audit.chain_broken' })).toMatch(/audit.chain_broken needs a count/);
    expect(refusal({ action: 'audit.chain_broken', count: 3, objectId: SESSION })).toMatch(/count only/);
  });

  it.each(ONE_OBJECT)('records %s about exactly one object, without a count', (action) => {
    expect(parseAuditEvent({ action, profileId: PROFILE, objectId: SESSION.toUpperCase() })).toEqual({ action, profileId: PROFILE, objectId: SESSION, count: null });
    expect(refusal({ action, profileId: PROFILE })).toBe(`Refused audit event: ${action} needs the objectId it is about`);
    expect(refusal({ action, objectId: SESSION, count: 2 })).toBe(`Refused audit event: ${action} names one object and takes no count`);
    expect(refusal({ action, objectId: PATIENT_TEXT })).not.toContain('Jane');
  });
});
