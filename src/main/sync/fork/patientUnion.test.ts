import { describe, expect, it } from 'vitest';
import { MAX_FIELD_TEXT, Patient } from '../../../shared/patient';
import { unionOfPatients } from './patientUnion';

const base: Patient = { age: 67, sex: 'female', chiefComplaint: 'Chest pain', vitals: { heartRate: 96, spo2: 95 } };

describe('the patient of a session continued on two workstations', () => {
  it('keeps an allergy recorded on one continuation and a medication recorded on the other', () => {
    const onA = { ...base, allergies: 'Penicillin (anaphylaxis)' };
    const onB = { ...base, medications: 'Warfarin 5 mg daily' };
    expect(unionOfPatients(onB, onA)).toMatchObject({ allergies: 'Penicillin (anaphylaxis)', medications: 'Warfarin 5 mg daily' });
    expect(unionOfPatients(onA, onB)).toMatchObject({ allergies: 'Penicillin (anaphylaxis)', medications: 'Warfarin 5 mg daily' });
  });

  it('keeps both texts when the two continuations wrote different ones, and one when one already says the other', () => {
    const merged = unionOfPatients({ ...base, allergies: 'Latex' }, { ...base, allergies: 'Penicillin' });
    expect(merged.allergies).toBe('Latex; Penicillin');
    expect(unionOfPatients({ ...base, allergies: 'Penicillin, latex' }, { ...base, allergies: 'penicillin' }).allergies).toBe('Penicillin, latex');
  });

  it('takes the newer measurements, filling what the newer side did not measure, and stays a valid patient', () => {
    const merged = unionOfPatients({ ...base, vitals: { heartRate: 120 } }, { ...base, vitals: { heartRate: 96, spo2: 91 } });
    expect(merged.vitals).toEqual({ heartRate: 120, spo2: 91 });
    const long = 'x'.repeat(MAX_FIELD_TEXT);
    const bounded = unionOfPatients({ ...base, medications: long }, { ...base, medications: 'y'.repeat(MAX_FIELD_TEXT) });
    expect(Patient.safeParse(bounded).success).toBe(true);
  });
});
