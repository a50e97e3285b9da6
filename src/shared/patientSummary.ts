import type { Patient } from './patient';
import { formatAge, usualRangeNumbers, vitalLevel, type VitalName } from './vitalRanges';

export { formatAge } from './vitalRanges';

/**
 * One piece of a summary line. `mark` says why a vital deserves attention ("high for age; usual 80–120"); the page
 * shows it highlighted, the prompt writes it in brackets after the value.
 */
export interface SummaryPart {
  readonly text: string;
  readonly mark?: string;
}

/** A summary line as parts, so the page can highlight the marked ones. */
export type SummaryLine = readonly SummaryPart[];

/** "high for age; usual 80–120" when the value is outside the usual range for the age, else undefined. */
function markOf(vital: VitalName, value: number, ageYears: number, prefix = ''): string | undefined {
  const level = vitalLevel(vital, value, ageYears);
  if (level === 'usual') return undefined;
  return `${prefix}${level} for age; usual ${usualRangeNumbers(vital, ageYears)}`;
}

function vitalParts(patient: Patient): SummaryPart[] {
  const vitals = patient.vitals ?? {};
  const age = patient.age;
  const parts: SummaryPart[] = [];
  const add = (text: string, mark: string | undefined): void => {
    parts.push(mark === undefined ? { text } : { text, mark });
  };
  if (vitals.heartRate !== undefined) add(`HR ${vitals.heartRate}/min`, markOf('heartRate', vitals.heartRate, age));
  if (vitals.systolicBp !== undefined || vitals.diastolicBp !== undefined) {
    const marks = [
      vitals.systolicBp === undefined ? undefined : markOf('systolicBp', vitals.systolicBp, age, 'systolic '),
      vitals.diastolicBp === undefined ? undefined : markOf('diastolicBp', vitals.diastolicBp, age, 'diastolic '),
    ].filter((mark) => mark !== undefined);
    add(`BP ${vitals.systolicBp ?? '?'}/${vitals.diastolicBp ?? '?'} mmHg`, marks.length > 0 ? marks.join('; ') : undefined);
  }
  if (vitals.respiratoryRate !== undefined) add(`RR ${vitals.respiratoryRate}/min`, markOf('respiratoryRate', vitals.respiratoryRate, age));
  if (vitals.temperatureC !== undefined) add(`T ${vitals.temperatureC} °C`, markOf('temperatureC', vitals.temperatureC, age));
  if (vitals.spo2 !== undefined) add(`SpO2 ${vitals.spo2} %`, markOf('spo2', vitals.spo2, age));
  return parts;
}

/**
 * The pinned patient summary, as lines of parts: vitals outside the usual range for the patient's age carry a mark.
 * The page's summary renders these; {@link patientSummaryLines} is the same as text.
 */
export function patientSummaryParts(patient: Patient): SummaryLine[] {
  const line = (text: string): SummaryLine => [{ text }];
  const lines: SummaryLine[] = [line(`Age: ${formatAge(patient.age)}`), line(`Sex: ${patient.sex}`)];
  if (patient.weightKg !== undefined) lines.push(line(`Weight: ${patient.weightKg} kg`));
  if (patient.pregnancy !== undefined) lines.push(line(`Pregnancy: ${patient.pregnancy}`));
  lines.push(line(`Chief complaint: ${patient.chiefComplaint.trim()}`));
  const vitals = vitalParts(patient);
  if (vitals.length > 0) {
    const joined: SummaryPart[] = [{ text: 'Vitals: ' }];
    vitals.forEach((part, index) => {
      if (index > 0) joined.push({ text: ', ' });
      joined.push(part);
    });
    lines.push(joined);
  }
  if (patient.allergies?.trim()) lines.push(line(`Allergies: ${patient.allergies.trim()}`));
  if (patient.medications?.trim()) lines.push(line(`Medications: ${patient.medications.trim()}`));
  if (patient.pastMedicalHistory?.trim()) lines.push(line(`Past medical history: ${patient.pastMedicalHistory.trim()}`));
  return lines;
}

/** A part as text: the value, then its mark in brackets — `HR 185/min (high for age; usual 80–120)`. */
export function summaryPartText(part: SummaryPart): string {
  return part.mark === undefined ? part.text : `${part.text} (${part.mark})`;
}

/**
 * The pinned patient summary, as lines of text. It is what the model sees at the top of every prompt, and what
 * the session header shows, so both always agree on the patient — marks for unusual vitals included.
 */
export function patientSummaryLines(patient: Patient): string[] {
  return patientSummaryParts(patient).map((line) => line.map(summaryPartText).join(''));
}
