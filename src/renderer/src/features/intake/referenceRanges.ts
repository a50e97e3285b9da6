import type { TextFieldName } from './textFields';

/**
 * Usual resting ranges for an adult, shown under each vital sign so a clinician typing fast sees at a glance what
 * is normal — guidance only: nothing is refused or flagged from these (the form's plausibility check uses its own,
 * much wider limits, and impossible values are refused by the schema).
 */
export const ADULT_REFERENCE_RANGES: Partial<Record<TextFieldName, string>> = {
  heartRate: '60–100 beats/min',
  systolicBp: '90–139 mmHg',
  diastolicBp: '60–89 mmHg',
  respiratoryRate: '12–20 breaths/min',
  temperature: '36.1–37.8 °C (97.0–100.0 °F)',
  spo2: '95–100 %',
};

/** The DOM id of a field's reference-range hint; the control's `aria-describedby` points at it. */
export function referenceRangeId(field: TextFieldName): string {
  return `intake-${field}-range`;
}
