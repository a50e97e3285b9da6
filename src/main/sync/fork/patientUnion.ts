/**
 * The patient of a session continued on two workstations offline. Each continuation may have updated the patient
 * (an allergy recorded on one, a medication on the other), and there is no common ancestor to diff against, so
 * neither side's update may be dropped: what a clinician wrote about allergies, medications and history is kept from
 * both (a longer allergy list is safe; a lost one is not). Measurements and the other fields are the newer side's —
 * the latest reading is the one to act on — and the older side's fill what the newer one lacks.
 */
import { MAX_FIELD_TEXT, type Patient } from '../../../shared/patient';

/** Free-text fields whose two versions are both kept. */
const KEPT_FROM_BOTH = ['allergies', 'medications', 'pastMedicalHistory'] as const;

/** `newer` and `older` both, unless one already says the other (compared without case and outer spaces). */
function bothTexts(newer: string | undefined, older: string | undefined): string | undefined {
  const a = newer?.trim() ?? '';
  const b = older?.trim() ?? '';
  if (b === '' || a.toLowerCase().includes(b.toLowerCase())) return newer;
  if (a === '' || b.toLowerCase().includes(a.toLowerCase())) return older;
  // Within the field's bound (the record must still open); the newer text first, the older cut only past the bound.
  return `${a}; ${b}`.slice(0, MAX_FIELD_TEXT);
}

/** The merged patient of two continuations; see the file's comment. */
export function unionOfPatients(newer: Patient, older: Patient): Patient {
  const merged: Patient = { ...older, ...newer };
  if (newer.vitals || older.vitals) merged.vitals = { ...older.vitals, ...newer.vitals };
  for (const field of KEPT_FROM_BOTH) {
    const text = bothTexts(newer[field], older[field]);
    if (text === undefined) delete merged[field];
    else merged[field] = text;
  }
  return merged;
}
