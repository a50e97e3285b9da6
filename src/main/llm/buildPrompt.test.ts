import { describe, expect, it } from 'vitest';
import { buildPrompt, FIRST_TURN_REQUEST, turnUserText } from './buildPrompt';
import { SYSTEM_PROMPT } from './systemPrompt';

const patient = { age: 0.25, sex: 'female' as const, chiefComplaint: 'Poor feeding', weightKg: 5.1, vitals: { temperatureC: 38.4 } };

describe('buildPrompt', () => {
  it('pins the current patient summary in the one system message, infants’ age in months', () => {
    const [system, ...rest] = buildPrompt(patient, [], FIRST_TURN_REQUEST);
    expect(system?.role).toBe('system');
    expect(system?.content.startsWith(SYSTEM_PROMPT)).toBe(true);
    expect(system?.content).toContain('- Age: 3 months');
    expect(system?.content).toContain('- Vitals: T 38.4 °C');
    expect(rest).toEqual([{ role: 'user', content: FIRST_TURN_REQUEST }]);
  });

  it('alternates user and assistant strictly, so chat templates that demand it accept the prompt', () => {
    const messages = buildPrompt(patient, [
      { userText: 'first', answerText: 'answer one' },
      { userText: 'second', answerText: '' },
    ], 'third');
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(messages[4]?.content).toBe('(no answer was given)');
  });

  it('keeps the prefix byte-identical from one turn to the next while the patient is unchanged', () => {
    const history = [{ userText: 'first', answerText: 'answer one' }];
    const before = buildPrompt(patient, history, 'second');
    const after = buildPrompt(patient, [...history, { userText: 'second', answerText: 'answer two' }], 'third');
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, -1));
  });
});

describe('turnUserText', () => {
  it('asks for an initial protocol when the first turn has no message', () => {
    expect(turnUserText(undefined, [], true)).toBe(FIRST_TURN_REQUEST);
  });

  it('notes which patient fields a follow-up changed', () => {
    expect(turnUserText('SpO2 now 88%', ['vitals'], false)).toBe('(Updated patient details: vitals.)\nSpO2 now 88%');
  });
});
