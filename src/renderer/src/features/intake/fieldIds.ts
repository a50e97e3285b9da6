import type { IntakeField } from './intakeForm';

/** The DOM id of a field's control; labels point at it. */
export function controlId(field: IntakeField): string {
  return `intake-${field}`;
}

/** The DOM id of a field's error message; the control's `aria-describedby` points at it. */
export function errorId(field: IntakeField): string {
  return `intake-${field}-error`;
}

/** The DOM id of a field's values to confirm; the control's `aria-describedby` points at it. */
export function warningId(field: IntakeField): string {
  return `intake-${field}-warning`;
}
