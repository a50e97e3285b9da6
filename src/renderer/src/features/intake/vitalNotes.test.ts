import { describe, expect, it } from 'vitest';
import { EMPTY_INTAKE_FORM, type IntakeForm } from './intakeForm';
import { formAgeYears, vitalHint, vitalNote } from './vitalNotes';

const form = (values: Partial<IntakeForm>): IntakeForm => ({ ...EMPTY_INTAKE_FORM, ...values });

describe('vital hints and marks follow the age typed', () => {
  it('shows the adult range, labelled adult, until an age is entered', () => {
    expect(vitalHint(form({}), 'heartRate')).toBe('Usual adult range: 60–100 beats/min');
    expect(vitalHint(form({ age: 'abc' }), 'spo2')).toBe('Usual adult range: 95–100 %');
    expect(vitalHint(form({}), 'allergies')).toBeUndefined();
  });

  it('shows the age’s range, in the unit the age was typed in', () => {
    expect(vitalHint(form({ age: '3' }), 'heartRate')).toBe('Usual at 3 years: 80–120 beats/min');
    expect(vitalHint(form({ age: '10', ageUnit: 'days' }), 'temperature')).toBe('Usual at 10 days: 36.5–37.9 °C (97.7–100.2 °F)');
    expect(formAgeYears(form({ age: '6', ageUnit: 'months' }))).toBe(0.5);
  });

  it('marks the febrile 3-year-old high and low, the temperature typed in °F too', () => {
    const toddler = form({ age: '3', heartRate: '185', respiratoryRate: '48', spo2: '88', temperature: '104.5', temperatureUnit: 'F' });
    expect(vitalNote(toddler, 'heartRate')).toBe('High for age 3 years — usual 80–120 beats/min');
    expect(vitalNote(toddler, 'respiratoryRate')).toBe('High for age 3 years — usual 20–28 breaths/min');
    expect(vitalNote(toddler, 'spo2')).toBe('Low for age 3 years — usual 95–100 %');
    expect(vitalNote(toddler, 'temperature')).toBe('High for age 3 years — usual 36.0–37.9 °C (96.8–100.2 °F)');
  });

  it('leaves usual, unreadable and impossible values unmarked (the send reports the latter two)', () => {
    expect(vitalNote(form({ age: '40', heartRate: '72' }), 'heartRate')).toBeUndefined();
    expect(vitalNote(form({ age: '40', heartRate: 'fast' }), 'heartRate')).toBeUndefined();
    expect(vitalNote(form({ age: '40', spo2: '140' }), 'spo2')).toBeUndefined();
    expect(vitalNote(form({ age: '40', spo2: '94' }), 'spo2')).toBe('Low for age 40 years — usual 95–100 %');
  });
});
