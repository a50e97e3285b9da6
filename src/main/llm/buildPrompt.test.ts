import { describe, expect, it } from 'vitest';
import { buildPrompt, FIRST_TURN_REQUEST, historyAnswerText, NO_ANSWER_TEXT, omissionNote, systemMessageText, turnUserText } from './buildPrompt';
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

  it('marks the vitals outside the usual range for the age, so the model reads them as the clinician sees them', () => {
    const toddler = { age: 3, sex: 'female' as const, chiefComplaint: 'Fever', vitals: { heartRate: 185, spo2: 88, systolicBp: 100, diastolicBp: 60 } };
    expect(systemMessageText(toddler)).toContain(
      '- Vitals: HR 185/min (high for age; usual 80–120), BP 100/60 mmHg, SpO2 88 % (low for age; usual 95–100)',
    );
    // 38.4 °C is a fever at 3 months too.
    expect(buildPrompt(patient, [], FIRST_TURN_REQUEST)[0]?.content).toContain('- Vitals: T 38.4 °C (high for age; usual 36.0–37.9)');
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

describe('buildPrompt with a window', () => {
  const history = [
    { userText: 'first', answerText: 'answer one' },
    { userText: 'second', answerText: 'answer two' },
    { userText: 'third', answerText: 'answer three' },
  ];

  it('sends the turns from the window’s start, and says in one line of the system message how many it left out', () => {
    const messages = buildPrompt(patient, history, 'fourth', { start: 2 });
    expect(messages.map((message) => message.content)).toEqual([systemMessageText(patient, 2), 'third', 'answer three', 'fourth']);
    expect(messages[0]?.content.endsWith('\n\nEarlier turns omitted for length: 2. The patient summary above is current.')).toBe(true);
    expect(messages[0]?.content.startsWith(systemMessageText(patient))).toBe(true);
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('carries no note while nothing is left out, and is the same as without a window', () => {
    expect(buildPrompt(patient, history, 'fourth', { start: 0 })).toEqual(buildPrompt(patient, history, 'fourth'));
    expect(buildPrompt(patient, history, 'fourth')[0]?.content).not.toContain(omissionNote(0).slice(0, 20));
  });

  it('keeps the prefix byte-identical from one turn to the next while the window stays', () => {
    const before = buildPrompt(patient, history, 'fourth', { start: 1 });
    const after = buildPrompt(patient, [...history, { userText: 'fourth', answerText: 'answer four' }], 'fifth', { start: 1 });
    expect(after.slice(0, before.length)).toEqual(before);
  });

  it('leaves out every turn when the start is past them, and refuses a start that is not an index', () => {
    expect(buildPrompt(patient, history, 'fourth', { start: 5 }).map((message) => message.content)).toEqual([systemMessageText(patient, 3), 'fourth']);
    expect(() => buildPrompt(patient, history, 'fourth', { start: -1 })).toThrow(RangeError);
    expect(() => buildPrompt(patient, history, 'fourth', { start: 0.5 })).toThrow(RangeError);
  });

  it('sends an empty answer as the same stand-in that the caller counts', () => {
    expect(historyAnswerText('')).toBe(NO_ANSWER_TEXT);
    expect(historyAnswerText('answer')).toBe('answer');
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
