/**
 * The patient details a search of the history finds a session by, besides its title, messages and answers: age and
 * sex (so "3 years" or "female" narrows similar cases), allergies, medications and past history. Each is one text
 * of the in-memory index, worded as the clinician reads it, so a hit's excerpt says what matched.
 */
import type { Patient } from '../../shared/patient';
import { formatAge } from '../../shared/patientSummary';

/** The texts a session record's patient adds to the search index (plaintext: memory only). */
export function patientSearchTexts(patient: Patient): string[] {
  const texts = [`${formatAge(patient.age)} old, ${patient.sex}`];
  const labelled: [string, string | undefined][] = [
    ['Allergies', patient.allergies],
    ['Medications', patient.medications],
    ['Past history', patient.pastMedicalHistory],
  ];
  for (const [label, value] of labelled) if (value?.trim()) texts.push(`${label}: ${value.trim()}`);
  return texts;
}
