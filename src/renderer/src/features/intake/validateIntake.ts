/**
 * The checks the form runs before anything is sent, with the same shared rules main applies: impossible values
 * block the send with a message next to the field; implausible ones come back as warnings to confirm.
 */
import { Patient } from '../../../../shared/patient';
import { plausibilityWarnings, type PlausibilityWarning } from '../../../../shared/plausibility';
import { formToPatientDraft } from './conversions';
import type { FieldErrors, IntakeField, IntakeForm } from './intakeForm';

/** Outcome of {@link validateIntake}. */
export type IntakeValidation =
  | { kind: 'invalid'; errors: FieldErrors; general: string[] }
  | { kind: 'valid'; patient: Patient; warnings: PlausibilityWarning[] };

// Schema paths whose last segment is not the form field's name.
const FIELD_OF_PATH: Readonly<Record<string, IntakeField>> = {
  'vitals.temperatureC': 'temperature',
};

/** The form field a schema issue path points at, if the form has one. */
export function fieldOfIssuePath(path: readonly PropertyKey[]): IntakeField | undefined {
  const dotted = path.map(String).join('.');
  const mapped = FIELD_OF_PATH[dotted];
  if (mapped) return mapped;
  const last = dotted.startsWith('vitals.') ? dotted.slice('vitals.'.length) : dotted;
  return isFormField(last) ? last : undefined;
}

const FORM_FIELDS: ReadonlySet<string> = new Set<IntakeField>([
  'age',
  'sex',
  'chiefComplaint',
  'weightKg',
  'heartRate',
  'systolicBp',
  'diastolicBp',
  'respiratoryRate',
  'temperature',
  'spo2',
  'allergies',
  'medications',
  'pregnancy',
  'pastMedicalHistory',
]);

function isFormField(name: string): name is IntakeField {
  return FORM_FIELDS.has(name);
}

/**
 * Converts and checks the form. Text in a number field and values the shared `Patient` schema refuses are errors
 * keyed by field (first message per field); otherwise the parsed patient and its plausibility warnings.
 */
export function validateIntake(form: IntakeForm): IntakeValidation {
  const { draft, errors } = formToPatientDraft(form);
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors, general: [] };

  const parsed = Patient.safeParse(draft);
  if (!parsed.success) {
    const fieldErrors: FieldErrors = {};
    const general: string[] = [];
    for (const issue of parsed.error.issues) {
      const field = fieldOfIssuePath(issue.path);
      if (field === undefined) general.push(issue.message);
      else fieldErrors[field] ??= issue.message;
    }
    return { kind: 'invalid', errors: fieldErrors, general };
  }
  return { kind: 'valid', patient: parsed.data, warnings: plausibilityWarnings(parsed.data) };
}

/** True when two warning lists say the same things, so a confirmation given for one still holds for the other. */
export function sameWarnings(a: readonly PlausibilityWarning[], b: readonly PlausibilityWarning[]): boolean {
  return a.length === b.length && a.every((warning, i) => warning.field === b[i]?.field && warning.message === b[i]?.message);
}
