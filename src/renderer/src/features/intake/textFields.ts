import type { IntakeField, IntakeForm } from './intakeForm';

/** Fields that hold free text (as opposed to a fixed set of units). */
export type TextFieldName = {
  [F in IntakeField]: string extends IntakeForm[F] ? F : never;
}[IntakeField];

/** Attributes every patient field carries: no browser autofill memory, no spell-check service seeing patient text. */
export const PATIENT_FIELD_ATTRIBUTES = { autoComplete: 'off', spellCheck: false } as const;
