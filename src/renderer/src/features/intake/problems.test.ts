import { describe, expect, it } from 'vitest';
import { intakeProblems, problemsSummary } from './problems';

const typo = { field: 'vitals.respiratoryRate', message: 'Respiratory rate 70 breaths/min is far above the usual 12–20 breaths/min at 40 years — is it a typo? Please confirm.' };

describe('intakeProblems', () => {
  it('lists errors and values to confirm in the order of the fields, then problems of the whole form', () => {
    const problems = intakeProblems(
      { systolicBp: 'Systolic blood pressure must be a number', heartRate: 'Heart rate cannot be above 350 beats/min' },
      ['Something about the whole form'],
      [typo],
      false,
    );
    expect(problems.map((p) => p.field)).toEqual(['heartRate', 'systolicBp', 'respiratoryRate', undefined]);
    expect(problemsSummary(problems)).toBe('4 problems — first: Heart rate. Nothing was sent.');
  });

  it('leaves out confirmed values, and says nothing when there is no problem', () => {
    expect(intakeProblems({}, [], [typo], true)).toEqual([]);
    expect(problemsSummary([])).toBe('');
    expect(problemsSummary(intakeProblems({}, [], [typo], false))).toBe('1 problem — first: Respiratory rate. Nothing was sent.');
    expect(problemsSummary(intakeProblems({}, ['Something about the whole form.'], [], false))).toBe('1 problem — first: Something about the whole form. Nothing was sent.');
  });
});
