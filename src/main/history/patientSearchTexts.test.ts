import { describe, expect, it } from 'vitest';
import { patientSearchTexts } from './patientSearchTexts';

describe('patientSearchTexts', () => {
  it('words age, sex, allergies, medications and past history as the clinician reads them', () => {
    expect(
      patientSearchTexts({ age: 3, sex: 'female', chiefComplaint: 'Fever', allergies: ' Penicillin ', medications: 'Metformin 500 mg', pastMedicalHistory: 'Asthma' }),
    ).toEqual(['3 years old, female', 'Allergies: Penicillin', 'Medications: Metformin 500 mg', 'Past history: Asthma']);
  });

  it('leaves out what was not entered, and words an infant in months', () => {
    expect(patientSearchTexts({ age: 0.5, sex: 'male', chiefComplaint: 'Fever', allergies: '  ' })).toEqual(['6 months old, male']);
  });
});
