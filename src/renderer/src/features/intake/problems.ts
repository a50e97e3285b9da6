/**
 * What keeps a send back, in the order the clinician meets the fields: for the summary beside "Get protocol" and for
 * the focus, which goes to the first problem's field.
 */
import type { PlausibilityWarning } from '../../../../shared/plausibility';
import { FIELD_ORDER, type FieldErrors, type IntakeField } from './intakeForm';
import { fieldOfIssuePath } from './validateIntake';

/** One problem: the field it is on (none for a problem of the whole form) and its message. */
export interface IntakeProblem {
  field: IntakeField | undefined;
  message: string;
}

/** The form field a warning is about. */
export function fieldOfWarning(warning: PlausibilityWarning): IntakeField | undefined {
  return fieldOfIssuePath(warning.field.split('.'));
}

/**
 * Every problem of the last send in field order: a field's error, else its values to confirm (unless confirmed),
 * then the problems of the whole form.
 */
export function intakeProblems(
  errors: FieldErrors,
  general: readonly string[],
  warnings: readonly PlausibilityWarning[],
  warningsConfirmed: boolean,
): IntakeProblem[] {
  const problems: IntakeProblem[] = [];
  for (const field of FIELD_ORDER) {
    const error = errors[field];
    if (error !== undefined) {
      problems.push({ field, message: error });
      continue;
    }
    if (warningsConfirmed) continue;
    for (const warning of warnings) if (fieldOfWarning(warning) === field) problems.push({ field, message: warning.message });
  }
  for (const message of general) problems.push({ field: undefined, message });
  return problems;
}

/** How the summary names each field (the message itself is on the field, where the focus goes). */
const FIELD_NAMES: Readonly<Record<(typeof FIELD_ORDER)[number], string>> = {
  age: 'Age',
  sex: 'Sex',
  weightKg: 'Weight',
  pregnancy: 'Pregnancy',
  chiefComplaint: 'Chief complaint',
  heartRate: 'Heart rate',
  systolicBp: 'Systolic BP',
  diastolicBp: 'Diastolic BP',
  respiratoryRate: 'Respiratory rate',
  temperature: 'Temperature',
  spo2: 'SpO2',
  allergies: 'Allergies',
  medications: 'Medications',
  pastMedicalHistory: 'Past medical history',
};

/**
 * "3 problems — first: Heart rate. Nothing was sent." — or '' with none. It names the first field rather than
 * repeating its message, which is read with the field when the focus lands there.
 */
export function problemsSummary(problems: readonly IntakeProblem[]): string {
  const first = problems[0];
  if (first === undefined) return '';
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const name = first.field === undefined ? first.message.replace(/[.?!]$/, '') : (FIELD_NAMES[first.field as keyof typeof FIELD_NAMES] ?? first.field);
  return `${count} — first: ${name}. Nothing was sent.`;
}
