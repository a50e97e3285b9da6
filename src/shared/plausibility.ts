import { formatAge, usualRangeText, VITAL_NAMES, VITAL_UNITS, type VitalName } from './vitalRanges';

/** A value that is possible but so unusual it may be a typo: the clinician confirms it was meant before sending. */
export interface PlausibilityWarning {
  /** Dotted path of the field, e.g. `vitals.heartRate`. */
  field: string;
  /** What is unusual, for the clinician. */
  message: string;
}

/** Limits beyond which a value is more likely a slip of the keyboard than a measurement. */
interface TypoLimits {
  readonly low: number;
  readonly high: number;
}

// Ages from which each row of limits applies (years; each row owns its lower boundary, like the age bands).
interface TypoRow {
  readonly fromYears: number;
  readonly limits: Readonly<Record<VitalName, TypoLimits>>;
}

/**
 * The old adult limits, widened for the young where a real measurement lies beyond them: an infant in
 * supraventricular tachycardia has a heart rate of 220–300, a newborn breathes 60–80 a minute when distressed, and a
 * preterm newborn's systolic pressure may be 40 (PALS: 39–59 mmHg at 12 h, under 1 kg). Hard, impossible limits
 * live in the schema ({@link ./patient}); the usual ranges in {@link ./vitalRanges}.
 */
const TYPO_ROWS: readonly TypoRow[] = [
  {
    fromYears: 0,
    limits: { heartRate: { low: 30, high: 300 }, respiratoryRate: { low: 6, high: 100 }, systolicBp: { low: 35, high: 200 }, diastolicBp: { low: 15, high: 150 }, temperatureC: { low: 32, high: 42 }, spo2: { low: 70, high: 100 } },
  },
  {
    fromYears: 1,
    limits: { heartRate: { low: 30, high: 250 }, respiratoryRate: { low: 6, high: 80 }, systolicBp: { low: 50, high: 250 }, diastolicBp: { low: 25, high: 150 }, temperatureC: { low: 32, high: 42 }, spo2: { low: 70, high: 100 } },
  },
  {
    fromYears: 12,
    limits: { heartRate: { low: 30, high: 220 }, respiratoryRate: { low: 6, high: 60 }, systolicBp: { low: 60, high: 250 }, diastolicBp: { low: 30, high: 150 }, temperatureC: { low: 32, high: 42 }, spo2: { low: 70, high: 100 } },
  },
];

/** The typo limits of `vital` at `ageYears` (adult when unknown). */
export function typoLimits(vital: VitalName, ageYears: number | undefined): TypoLimits {
  const adult = TYPO_ROWS[TYPO_ROWS.length - 1] as TypoRow;
  if (ageYears === undefined || !Number.isFinite(ageYears)) return adult.limits[vital];
  let found = TYPO_ROWS[0] as TypoRow;
  for (const row of TYPO_ROWS) if (ageYears >= row.fromYears) found = row;
  return found.limits[vital];
}

/** How each vital is named in messages. */
export const VITAL_LABELS: Readonly<Record<VitalName, string>> = {
  heartRate: 'Heart rate',
  systolicBp: 'Systolic BP',
  diastolicBp: 'Diastolic BP',
  respiratoryRate: 'Respiratory rate',
  temperatureC: 'Temperature',
  spo2: 'SpO2',
};

/**
 * The typo-level warning for one vital, or undefined when the value is not that far out. It quotes the same usual
 * range as the hint under the field and the high/low mark, so the three never disagree.
 */
export function vitalTypoWarning(vital: VitalName, value: number, ageYears: number | undefined): PlausibilityWarning | undefined {
  const limits = typoLimits(vital, ageYears);
  if (value >= limits.low && value <= limits.high) return undefined;
  const direction = value < limits.low ? 'below' : 'above';
  const age = ageYears === undefined ? 'for an adult' : `at ${formatAge(ageYears)}`;
  return {
    field: `vitals.${vital}`,
    message: `${VITAL_LABELS[vital]} ${value} ${VITAL_UNITS[vital]} is far ${direction} the usual ${usualRangeText(vital, ageYears)} ${age} — is it a typo? Please confirm.`,
  };
}

/**
 * What the check reads: a patient, a follow-up's update, or the form's draft (which leaves out what it could not
 * read; a draft without an age is judged with adult ranges).
 */
export interface PlausibilityInput {
  age?: number | undefined;
  weightKg?: number | undefined;
  sex?: string | undefined;
  pregnancy?: string | undefined;
  vitals?: Partial<Record<VitalName, number | undefined>> | undefined;
}

/**
 * Lists the values in `patient` so unusual they may be typos (a heart rate of 250 in an adult, a weight of
 * 400 kg, a pregnancy recorded for a male patient), so the form can ask the clinician to confirm before sending.
 * Vitals are judged for the patient's age.
 */
export function plausibilityWarnings(patient: PlausibilityInput): PlausibilityWarning[] {
  const warnings: PlausibilityWarning[] = [];
  if (patient.age !== undefined && patient.age > 110) {
    warnings.push({ field: 'age', message: `Age of ${patient.age} years is outside the usual 0–110 years. Please confirm.` });
  }
  if (patient.weightKg !== undefined && (patient.weightKg < 0.5 || patient.weightKg > 300)) {
    warnings.push({ field: 'weightKg', message: `Weight of ${patient.weightKg} kg is outside the usual 0.5–300 kg. Please confirm.` });
  }
  for (const vital of VITAL_NAMES) {
    const value = patient.vitals?.[vital];
    if (value === undefined || !Number.isFinite(value)) continue;
    const warning = vitalTypoWarning(vital, value, patient.age);
    if (warning) warnings.push(warning);
  }
  if (patient.pregnancy === 'pregnant') {
    if (patient.sex === 'male') {
      warnings.push({ field: 'pregnancy', message: 'Pregnancy is recorded for a male patient. Please confirm.' });
    }
    if (patient.age !== undefined && (patient.age < 10 || patient.age > 60)) {
      warnings.push({ field: 'pregnancy', message: `Pregnancy is recorded at age ${patient.age}. Please confirm.` });
    }
  }
  return warnings;
}
