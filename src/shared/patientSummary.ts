import type { Patient } from './patient';

/**
 * Age for people: infants in days or months, children and adults in years. The stored value is always years
 * (fractions for infants), which is what the form converts to.
 */
export function formatAge(ageYears: number): string {
  const days = Math.round(ageYears * 365.25);
  if (ageYears < 1 / 12) return `${days} day${days === 1 ? '' : 's'}`;
  if (ageYears < 2) {
    const months = Math.round(ageYears * 12);
    return `${months} month${months === 1 ? '' : 's'}`;
  }
  return `${Math.floor(ageYears)} years`;
}

/**
 * The pinned patient summary, as lines of text. It is what the model sees at the top of every prompt, and what
 * the session header shows, so both always agree on the patient.
 */
export function patientSummaryLines(patient: Patient): string[] {
  const lines = [`Age: ${formatAge(patient.age)}`, `Sex: ${patient.sex}`];
  if (patient.weightKg !== undefined) lines.push(`Weight: ${patient.weightKg} kg`);
  if (patient.pregnancy !== undefined) lines.push(`Pregnancy: ${patient.pregnancy}`);
  lines.push(`Chief complaint: ${patient.chiefComplaint.trim()}`);
  const vitals = patient.vitals ?? {};
  const vitalParts: string[] = [];
  if (vitals.heartRate !== undefined) vitalParts.push(`HR ${vitals.heartRate}/min`);
  if (vitals.systolicBp !== undefined || vitals.diastolicBp !== undefined) {
    vitalParts.push(`BP ${vitals.systolicBp ?? '?'}/${vitals.diastolicBp ?? '?'} mmHg`);
  }
  if (vitals.respiratoryRate !== undefined) vitalParts.push(`RR ${vitals.respiratoryRate}/min`);
  if (vitals.temperatureC !== undefined) vitalParts.push(`T ${vitals.temperatureC} °C`);
  if (vitals.spo2 !== undefined) vitalParts.push(`SpO2 ${vitals.spo2} %`);
  if (vitalParts.length > 0) lines.push(`Vitals: ${vitalParts.join(', ')}`);
  if (patient.allergies?.trim()) lines.push(`Allergies: ${patient.allergies.trim()}`);
  if (patient.medications?.trim()) lines.push(`Medications: ${patient.medications.trim()}`);
  if (patient.pastMedicalHistory?.trim()) lines.push(`Past medical history: ${patient.pastMedicalHistory.trim()}`);
  return lines;
}
