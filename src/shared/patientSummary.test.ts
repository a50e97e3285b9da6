import { describe, expect, it } from 'vitest';
import { mergePatient, PatientUpdate, type Patient } from './patient';
import { patientSummaryLines, patientSummaryParts } from './patientSummary';

const toddler: Patient = {
  age: 3,
  sex: 'female',
  chiefComplaint: 'Fever and fast breathing',
  vitals: { heartRate: 185, respiratoryRate: 48, temperatureC: 40.3, spo2: 88 },
};

describe('patientSummaryLines: vitals outside the usual range for the age are marked', () => {
  it('marks the febrile 3-year-old’s vitals with the 3-year-old’s ranges', () => {
    expect(patientSummaryLines(toddler)).toContain(
      'Vitals: HR 185/min (high for age; usual 80–120), RR 48/min (high for age; usual 20–28), T 40.3 °C (high for age; usual 36.0–37.9), SpO2 88 % (low for age; usual 95–100)',
    );
  });

  it('marks an adult’s SpO2 94 % and HR 102, and leaves usual values unmarked', () => {
    const adult: Patient = { age: 60, sex: 'male', chiefComplaint: 'Cough', vitals: { heartRate: 102, systolicBp: 128, diastolicBp: 76, spo2: 94 } };
    expect(patientSummaryLines(adult)).toContain('Vitals: HR 102/min (high for age; usual 60–100), BP 128/76 mmHg, SpO2 94 % (low for age; usual 95–100)');
  });

  it('the same HR 185 is usual in a neonate', () => {
    expect(patientSummaryLines({ ...toddler, age: 10 / 365.25, vitals: { heartRate: 185 } })).toContain('Vitals: HR 185/min');
  });

  it('names which blood pressure is out', () => {
    const lines = patientSummaryLines({ ...toddler, vitals: { systolicBp: 130, diastolicBp: 40 } });
    expect(lines).toContain('Vitals: BP 130/40 mmHg (systolic high for age; usual 89–112; diastolic low for age; usual 46–72)');
  });

  it('gives the page the marked parts on their own, to highlight them', () => {
    const vitals = patientSummaryParts(toddler).find((line) => line[0]?.text === 'Vitals: ');
    expect(vitals?.filter((part) => part.mark !== undefined).map((part) => part.text)).toEqual(['HR 185/min', 'RR 48/min', 'T 40.3 °C', 'SpO2 88 %']);
  });

  it('a follow-up’s new vitals are judged for the session patient’s age', () => {
    const merged = mergePatient({ ...toddler, vitals: { heartRate: 110 } }, PatientUpdate.parse({ vitals: { heartRate: 135 } }));
    expect(patientSummaryLines(merged)).toContain('Vitals: HR 135/min (high for age; usual 80–120)');
    const older = mergePatient(merged, PatientUpdate.parse({ age: 40 }));
    expect(patientSummaryLines(older)).toContain('Vitals: HR 135/min (high for age; usual 60–100)');
  });
});
