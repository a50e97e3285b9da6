import type { Patient, PatientUpdate } from './patient';

/** A value that is possible but unusual enough that the clinician should confirm it was meant. */
export interface PlausibilityWarning {
  /** Dotted path of the field, e.g. `vitals.heartRate`. */
  field: string;
  /** What is unusual, for the clinician. */
  message: string;
}

interface SoftRange {
  field: string;
  label: string;
  unit: string;
  low: number;
  high: number;
  read: (patient: PatientUpdate) => number | undefined;
}

/**
 * Adult-oriented soft ranges: outside them a value is rare enough to be a typo. They never block sending;
 * the form asks the clinician to confirm. Hard limits live in the schema ({@link ./patient}).
 */
const SOFT_RANGES: readonly SoftRange[] = [
  { field: 'age', label: 'Age', unit: 'years', low: 0, high: 110, read: (p) => p.age },
  { field: 'weightKg', label: 'Weight', unit: 'kg', low: 0.5, high: 300, read: (p) => p.weightKg },
  { field: 'vitals.heartRate', label: 'Heart rate', unit: 'beats/min', low: 30, high: 220, read: (p) => p.vitals?.heartRate },
  { field: 'vitals.systolicBp', label: 'Systolic BP', unit: 'mmHg', low: 60, high: 250, read: (p) => p.vitals?.systolicBp },
  { field: 'vitals.diastolicBp', label: 'Diastolic BP', unit: 'mmHg', low: 30, high: 150, read: (p) => p.vitals?.diastolicBp },
  { field: 'vitals.respiratoryRate', label: 'Respiratory rate', unit: 'breaths/min', low: 6, high: 60, read: (p) => p.vitals?.respiratoryRate },
  { field: 'vitals.temperatureC', label: 'Temperature', unit: '°C', low: 32, high: 42, read: (p) => p.vitals?.temperatureC },
  { field: 'vitals.spo2', label: 'SpO2', unit: '%', low: 70, high: 100, read: (p) => p.vitals?.spo2 },
];

/**
 * Lists the values in `patient` that are possible but unusual (a heart rate of 250, a weight of 400 kg, a
 * pregnancy recorded for a male patient), so the form can ask the clinician to confirm before sending.
 */
export function plausibilityWarnings(patient: PatientUpdate | Patient): PlausibilityWarning[] {
  const warnings: PlausibilityWarning[] = [];
  for (const range of SOFT_RANGES) {
    const value = range.read(patient);
    if (value === undefined || !Number.isFinite(value)) continue;
    if (value < range.low || value > range.high) {
      warnings.push({
        field: range.field,
        message: `${range.label} of ${value} ${range.unit} is outside the usual ${range.low}–${range.high} ${range.unit}. Please confirm.`,
      });
    }
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
