import { describe, expect, it } from 'vitest';
import { formatIssues } from './formatIssues';
import { GenerateInput } from './protocol';

const patient = { age: 45, sex: 'male', chiefComplaint: 'Crushing substernal chest pain' };
const sessionId = '3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f';

function problems(input: unknown): string {
  const result = GenerateInput.safeParse(input);
  if (result.success) throw new Error('expected refusal');
  return formatIssues(result.error);
}

describe('GenerateInput', () => {
  it('opens a session with a whole patient and no message', () => {
    expect(GenerateInput.parse({ patient })).toEqual({ patient });
  });

  it('needs a patient to open a session', () => {
    expect(problems({ message: 'hello' })).toBe('patient: patient is required to start a session');
  });

  it('needs the whole patient on the first turn, naming each missing field', () => {
    expect(problems({ patient: { age: 45 } })).toBe('patient.sex: Sex must be one of: female, male, other, unknown; patient.chiefComplaint: Chief complaint is required');
  });

  it('takes a follow-up with a message and a partial patient update', () => {
    const input = { sessionId, message: 'Also has diabetes', patient: { pastMedicalHistory: 'diabetes' } };
    expect(GenerateInput.parse(input)).toEqual(input);
  });

  it('needs a message on a follow-up', () => {
    expect(problems({ sessionId, message: '  ' })).toBe('message: A follow-up needs a message');
  });

  it('refuses a malformed session id without echoing it', () => {
    const message = problems({ sessionId: 'patient-jane-doe', message: 'x' });
    expect(message).toBe('sessionId: sessionId is not a well-formed session id (UUID v4 expected)');
    expect(message).not.toContain('jane');
  });

  it('refuses a v1 UUID: ids are v4 only', () => {
    expect(problems({ sessionId: 'a8098c1a-f86e-11da-bd1a-00112444be1e', message: 'x' })).toContain('UUID v4');
  });

  it('refuses unknown and prototype-polluting keys', () => {
    expect(problems({ patient, extra: 1 })).toContain('extra');
    expect(problems(JSON.parse(`{"patient": ${JSON.stringify(patient)}, "__proto__": {"admin": true}}`))).toContain('__proto__');
  });

  it('refuses an oversized message', () => {
    expect(problems({ sessionId, message: 'x'.repeat(8_001) })).toBe('message: message is longer than 8000 characters');
  });
});

describe('GenerateInput reports each problem once', () => {
  it('names an impossible age once on a first turn', () => {
    expect(problems({ patient: { ...patient, age: -3 } })).toBe('patient.age: Age cannot be below 0 years');
  });
});
