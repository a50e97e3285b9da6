/**
 * The short line that tells similar sessions apart in the list: the patient's age and sex ("3 y · F"), shown before
 * the complaint. Patient data: memory only, like the title.
 */
import type { Patient } from '../../../../shared/patient';

const SEX_SHORT: Readonly<Record<Patient['sex'], string>> = { female: 'F', male: 'M', other: 'other sex', unknown: 'sex unknown' };

/** Age, short: days under a month, months under two years, then years ("12 d", "6 mo", "3 y"). */
export function shortAge(ageYears: number): string {
  if (ageYears < 1 / 12) return `${Math.round(ageYears * 365.25)} d`;
  if (ageYears < 2) return `${Math.round(ageYears * 12)} mo`;
  return `${Math.floor(ageYears)} y`;
}

/** "3 y · F" for a 3-year-old girl. */
export function patientLine(patient: Pick<Patient, 'age' | 'sex'>): string {
  return `${shortAge(patient.age)} · ${SEX_SHORT[patient.sex]}`;
}
