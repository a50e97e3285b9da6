import { describe, expect, it } from 'vitest';
import { mergePatient, Patient, PatientUpdate } from './patient';
import { plausibilityWarnings } from './plausibility';

const sixtyYearOld: Patient = {
  age: 60,
  sex: 'female',
  chiefComplaint: 'Fever and cough for 3 days',
  weightKg: 72,
  vitals: { heartRate: 104, systolicBp: 128, diastolicBp: 76, respiratoryRate: 22, temperatureC: 38.9, spo2: 94 },
};

function firstIssue(input: unknown): { path: string; message: string } {
  const result = Patient.safeParse(input);
  if (result.success) throw new Error('expected the patient to be refused');
  const issue = result.error.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

describe('Patient: only the impossible is refused, naming the field', () => {
  it('accepts a complete, ordinary patient', () => {
    expect(Patient.parse(sixtyYearOld)).toEqual(sixtyYearOld);
  });

  it('accepts an infant age given as a fraction of a year', () => {
    expect(Patient.parse({ ...sixtyYearOld, age: 3 / 12 }).age).toBeCloseTo(0.25);
  });

  it.each([
    [{ age: -3 }, 'age', 'Age cannot be below 0 years'],
    [{ age: 'sixty' }, 'age', 'Age must be a number'],
    [{ age: Number.NaN }, 'age', 'Age must be a number'],
    [{ chiefComplaint: '   ' }, 'chiefComplaint', 'Chief complaint cannot be empty'],
    [{ vitals: { spo2: 140 } }, 'vitals.spo2', 'SpO2 cannot be above 100 %'],
    [{ vitals: { heartRate: '90' } }, 'vitals.heartRate', 'Heart rate must be a number'],
    [{ vitals: { temperatureC: 98.6 } }, 'vitals.temperatureC', 'Temperature cannot be above 47 °C'],
    [{ vitals: { systolicBp: 80, diastolicBp: 120 } }, 'vitals.diastolicBp', 'Diastolic blood pressure cannot be above the systolic pressure'],
    [{ weightKg: 0 }, 'weightKg', 'Weight cannot be below 0.2 kg'],
    [{ sex: 'F' }, 'sex', 'Sex must be one of: female, male, other, unknown'],
  ])('refuses %j', (change, path, message) => {
    expect(firstIssue({ ...sixtyYearOld, ...change })).toEqual({ path, message });
  });

  it('refuses unknown fields, so a typo never drops data silently', () => {
    expect(firstIssue({ ...sixtyYearOld, spo2: 95 }).message).toContain('spo2');
  });

  it('refuses a missing chief complaint by name', () => {
    const { chiefComplaint: _omitted, ...withoutComplaint } = sixtyYearOld;
    expect(firstIssue(withoutComplaint)).toEqual({ path: 'chiefComplaint', message: 'Chief complaint is required' });
  });
});

describe('plausibilityWarnings: the merely implausible is flagged, not refused', () => {
  it('flags a heart rate of 250 and an SpO2 of 60 without refusing them', () => {
    const patient = { ...sixtyYearOld, vitals: { heartRate: 250, spo2: 60 } };
    expect(Patient.safeParse(patient).success).toBe(true);
    expect(plausibilityWarnings(patient).map((warning) => warning.field)).toEqual(['vitals.heartRate', 'vitals.spo2']);
  });

  it('flags a pregnancy recorded for a male patient', () => {
    const warnings = plausibilityWarnings({ ...sixtyYearOld, age: 30, sex: 'male', pregnancy: 'pregnant' });
    expect(warnings).toEqual([{ field: 'pregnancy', message: 'Pregnancy is recorded for a male patient. Please confirm.' }]);
  });

  it('has nothing to say about an ordinary patient', () => {
    expect(plausibilityWarnings(sixtyYearOld)).toEqual([]);
  });
});

describe('mergePatient: a follow-up updates only what it carries', () => {
  it('keeps age, sex, weight and vitals when the follow-up adds history only', () => {
    const update = PatientUpdate.parse({ pastMedicalHistory: 'Type 2 diabetes' });
    expect(mergePatient(sixtyYearOld, update)).toEqual({ ...sixtyYearOld, pastMedicalHistory: 'Type 2 diabetes' });
  });

  it('merges vitals field by field', () => {
    const merged = mergePatient(sixtyYearOld, PatientUpdate.parse({ vitals: { spo2: 88 } }));
    expect(merged.vitals).toEqual({ ...sixtyYearOld.vitals, spo2: 88 });
  });
});
