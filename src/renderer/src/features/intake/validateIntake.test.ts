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

  it('stops at unreadable numbers before the schema runs', () => {
    expect(validateIntake(form({ weightKg: 'heavy' }))).toEqual({
      kind: 'invalid',
      errors: { weightKg: 'Weight must be a number' },
      general: [],
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
