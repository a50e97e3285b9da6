import { describe, expect, it } from 'vitest';
import { ageToYears, fahrenheitToCelsius, formToPatientDraft, parseNumberText } from './conversions';
import { EMPTY_INTAKE_FORM, type IntakeForm } from './intakeForm';

const form = (values: Partial<IntakeForm>): IntakeForm => ({ ...EMPTY_INTAKE_FORM, ...values });

describe('ageToYears', () => {
  it('converts months and days to years', () => {
    expect(ageToYears(40, 'years')).toBe(40);
    expect(ageToYears(6, 'months')).toBe(0.5);
    expect(ageToYears(365.25, 'days')).toBe(1);
    expect(ageToYears(10, 'days')).toBeCloseTo(10 / 365.25, 12);
  });
});

describe('fahrenheitToCelsius', () => {
  it('converts and rounds to one decimal', () => {
    expect(fahrenheitToCelsius(98.6)).toBe(37);
    expect(fahrenheitToCelsius(100.4)).toBe(38);
    expect(fahrenheitToCelsius(101)).toBe(38.3);
    expect(fahrenheitToCelsius(32)).toBe(0);
    expect(Object.is(fahrenheitToCelsius(31.99), 0)).toBe(true);
  });
});

describe('parseNumberText', () => {
  it('reads plain decimals, with a dot or a comma', () => {
    expect(parseNumberText(' 72 ')).toEqual({ kind: 'number', value: 72 });
    expect(parseNumberText('37,5')).toEqual({ kind: 'number', value: 37.5 });
    expect(parseNumberText('.5')).toEqual({ kind: 'number', value: 0.5 });
    expect(parseNumberText('-3')).toEqual({ kind: 'number', value: -3 });
  });

  it('treats blank as empty and anything else as invalid', () => {
    expect(parseNumberText('   ')).toEqual({ kind: 'empty' });
    for (const text of ['abc', '7o', '1e3', 'Infinity', 'NaN', '0x10', '1.2.3', '72 bpm']) {
      expect(parseNumberText(text)).toEqual({ kind: 'invalid' });
    }
  });
});

describe('formToPatientDraft', () => {
  it('leaves out every blank field: no empty strings, no NaN, no empty vitals', () => {
    const { draft, errors } = formToPatientDraft(form({ age: '30', chiefComplaint: 'Cough', allergies: '   ' }));
    expect(errors).toEqual({});
    expect(draft).toEqual({ age: 30, sex: 'unknown', chiefComplaint: 'Cough' });
  });

  it('converts units and nests vital signs', () => {
    const { draft } = formToPatientDraft(
      form({
        age: '18',
        ageUnit: 'months',
        sex: 'male',
        chiefComplaint: ' Fever ',
        weightKg: '11.2',
        heartRate: '140',
        systolicBp: '95',
        diastolicBp: '60',
        respiratoryRate: '30',
        temperature: '102.2',
        temperatureUnit: 'F',
        spo2: '97',
        allergies: 'Penicillin',
        medications: 'None',
        pregnancy: '',
        pastMedicalHistory: 'Born at term',
      }),
    );
    expect(draft).toEqual({
      age: 1.5,
      sex: 'male',
      chiefComplaint: 'Fever',
      weightKg: 11.2,
      vitals: { heartRate: 140, systolicBp: 95, diastolicBp: 60, respiratoryRate: 30, temperatureC: 39, spo2: 97 },
      allergies: 'Penicillin',
      medications: 'None',
      pastMedicalHistory: 'Born at term',
    });
  });

  it('names each number field that holds text', () => {
    const { errors } = formToPatientDraft(form({ age: 'forty', temperature: '38 C', spo2: '9x' }));
    expect(errors).toEqual({
      age: 'Age must be a number',
      temperature: 'Temperature must be a number',
      spo2: 'SpO2 must be a number',
    });
  });

  it('keeps pregnancy when chosen', () => {
    expect(formToPatientDraft(form({ pregnancy: 'not pregnant' })).draft.pregnancy).toBe('not pregnant');
  });
});
