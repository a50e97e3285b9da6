import { describe, expect, it } from 'vitest';
import { EMPTY_INTAKE_FORM, type IntakeForm } from './intakeForm';
import { fieldOfIssuePath, sameWarnings, validateIntake } from './validateIntake';

const form = (values: Partial<IntakeForm>): IntakeForm => ({
  ...EMPTY_INTAKE_FORM,
  age: '40',
  chiefComplaint: 'Headache',
  ...values,
});

describe('validateIntake', () => {
  it('accepts a plausible patient with no warnings', () => {
    const result = validateIntake(form({ heartRate: '80' }));
    expect(result).toEqual({
      kind: 'valid',
      patient: { age: 40, sex: 'unknown', chiefComplaint: 'Headache', vitals: { heartRate: 80 } },
      warnings: [],
    });
  });

  it('reports required fields next to them', () => {
    const result = validateIntake(form({ age: '', chiefComplaint: '  ' }));
    expect(result).toMatchObject({
      kind: 'invalid',
      errors: { age: 'Age is required', chiefComplaint: 'Chief complaint is required' },
    });
  });

  it('reports impossible vital signs under the form field, including °F converted out of range', () => {
    const result = validateIntake(form({ temperature: '150', temperatureUnit: 'F', diastolicBp: '120', systolicBp: '80' }));
    expect(result).toMatchObject({
      kind: 'invalid',
      errors: {
        temperature: 'Temperature cannot be above 47 °C',
        diastolicBp: 'Diastolic blood pressure cannot be above the systolic pressure',
      },
    });
  });

  it('names an unreadable number, without a second message from the schema', () => {
    expect(validateIntake(form({ weightKg: 'heavy' }))).toEqual({
      kind: 'invalid',
      errors: { weightKg: 'Weight must be a number' },
      general: [],
      warnings: [],
    });
  });

  it('reports every problem in one round, each keyed by its field: text, range, diastolic above systolic, typos', () => {
    const result = validateIntake(form({ heartRate: '900', systolicBp: 'abc', respiratoryRate: '70', temperature: '36.8' }));
    expect(result).toEqual({
      kind: 'invalid',
      errors: { heartRate: 'Heart rate cannot be above 350 beats/min', systolicBp: 'Systolic blood pressure must be a number' },
      general: [],
      warnings: [
        {
          field: 'vitals.respiratoryRate',
          message: 'Respiratory rate 70 breaths/min is far above the usual 12–20 breaths/min at 40 years — is it a typo? Please confirm.',
        },
      ],
    });
    const swapped = validateIntake(form({ age: 'x', systolicBp: '70', diastolicBp: '90', spo2: '60' }));
    expect(swapped).toMatchObject({
      kind: 'invalid',
      errors: { age: 'Age must be a number', diastolicBp: 'Diastolic blood pressure cannot be above the systolic pressure' },
      // No readable age: the typo check uses the adult ranges, and says so.
      warnings: [{ field: 'vitals.spo2', message: 'SpO2 60 % is far below the usual 95–100 % for an adult — is it a typo? Please confirm.' }],
    });
  });

  it('judges possible typos for the age: HR 250 is confirmed in an adult, not in an infant', () => {
    expect(validateIntake(form({ heartRate: '250' })).warnings.map((w) => w.field)).toEqual(['vitals.heartRate']);
    expect(validateIntake(form({ age: '6', ageUnit: 'months', heartRate: '250' })).warnings).toEqual([]);
  });

  it('suggests °F for 104.5 °C and °C for 38.5 °F', () => {
    expect(validateIntake(form({ temperature: '104.5' }))).toMatchObject({
      kind: 'invalid',
      errors: { temperature: '104.5 °C is not possible — did you mean 104.5 °F (40.3 °C)?' },
    });
    expect(validateIntake(form({ temperature: '38.5', temperatureUnit: 'F' }))).toMatchObject({
      kind: 'invalid',
      errors: { temperature: '38.5 °F is not possible — did you mean 38.5 °C (101.3 °F)?' },
    });
  });

  it('returns plausibility warnings for unusual values', () => {
    const result = validateIntake(form({ sex: 'male', pregnancy: 'pregnant', spo2: '60' }));
    expect(result.kind).toBe('valid');
    if (result.kind === 'valid') expect(result.warnings.map((w) => w.field)).toEqual(['vitals.spo2', 'pregnancy']);
  });
});

describe('fieldOfIssuePath', () => {
  it('maps schema paths to form fields', () => {
    expect(fieldOfIssuePath(['age'])).toBe('age');
    expect(fieldOfIssuePath(['vitals', 'heartRate'])).toBe('heartRate');
    expect(fieldOfIssuePath(['vitals', 'temperatureC'])).toBe('temperature');
    expect(fieldOfIssuePath(['nonsense'])).toBeUndefined();
    expect(fieldOfIssuePath([])).toBeUndefined();
  });
});

describe('sameWarnings', () => {
  it('compares field and message', () => {
    const a = [{ field: 'age', message: 'x' }];
    expect(sameWarnings(a, [{ field: 'age', message: 'x' }])).toBe(true);
    expect(sameWarnings(a, [{ field: 'age', message: 'y' }])).toBe(false);
    expect(sameWarnings(a, [])).toBe(false);
  });
});
