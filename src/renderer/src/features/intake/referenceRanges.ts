import type { VitalName } from '../../../../shared/vitalRanges';
import type { TextFieldName } from './textFields';

/** The form fields that hold a vital sign, and the vital each holds (the temperature field may be in °F). */
export const VITAL_OF_FIELD: Partial<Record<TextFieldName, VitalName>> = {
  heartRate: 'heartRate',
  systolicBp: 'systolicBp',
  diastolicBp: 'diastolicBp',
  respiratoryRate: 'respiratoryRate',
  temperature: 'temperatureC',
  spo2: 'spo2',
};

/** The DOM id of a field's usual-range hint; the control's `aria-describedby` points at it. */
export function referenceRangeId(field: TextFieldName): string {
  return `intake-${field}-range`;
}

/** The DOM id of a field's high/low mark; the control's `aria-describedby` points at it. */
export function vitalNoteId(field: TextFieldName): string {
  return `intake-${field}-note`;
}
