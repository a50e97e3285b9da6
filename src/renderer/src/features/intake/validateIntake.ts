/**
 * The checks the form runs before anything is sent, with the same shared rules main applies: impossible values
 * block the send with a message next to the field; possible typos come back as warnings to confirm, on their field.
 */
import { DIASTOLIC_ABOVE_SYSTOLIC, diastolicAboveSystolic, Patient } from '../../../../shared/patient';
import { plausibilityWarnings, type PlausibilityWarning } from '../../../../shared/plausibility';
import { formToPatientDraft, type PatientDraft } from './conversions';
import { FIELD_ORDER, type FieldErrors, type IntakeField, type IntakeForm } from './intakeForm';
import { temperatureUnitSuggestion } from './temperatureUnitSuggestion';

/**
 * Outcome of {@link validateIntake}. Every problem of one send comes back at once: unreadable numbers, values the
 * schema refuses, and the values to confirm (possible typos), each keyed by its field.
 */
export type IntakeValidation =
  | { kind: 'invalid'; errors: FieldErrors; general: string[]; warnings: PlausibilityWarning[] }
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

const FORM_FIELDS: ReadonlySet<string> = new Set<IntakeField>(FIELD_ORDER);

function isFormField(name: string): name is IntakeField {
  return FORM_FIELDS.has(name);
}

/**
 * Converts and checks the form in one round. Text in a number field, values the shared `Patient` schema refuses
 * (first message per field) and the diastolic-above-systolic check are errors; a temperature impossible in its unit
 * but ordinary in the other says so. The values that may be typos are judged for the age on the fields that could
 * be read, whether or not another field has an error, so nothing waits for a second send to be reported.
 */
export function validateIntake(form: IntakeForm): IntakeValidation {
  const { draft, errors } = formToPatientDraft(form);
  const fieldErrors: FieldErrors = { ...errors };
  const general: string[] = [];
  const parsed = Patient.safeParse(draft);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfIssuePath(issue.path);
      if (field === undefined) general.push(issue.message);
      // A field whose text could not be read is missing from the draft: keep "must be a number", not "is required".
      else fieldErrors[field] ??= issue.message;
    }
  }
  // The schema checks this only once every field passes; the clinician should hear of it in the same round.
  if (diastolicAboveSystolic(draft.vitals) && fieldErrors.systolicBp === undefined) fieldErrors.diastolicBp ??= DIASTOLIC_ABOVE_SYSTOLIC;
  const suggestion = temperatureUnitSuggestion(form);
  if (suggestion !== null) fieldErrors.temperature = suggestion.message;

  const warnings = plausibilityWarnings(readableForWarnings(draft, fieldErrors));
  if (parsed.success && Object.keys(fieldErrors).length === 0) return { kind: 'valid', patient: parsed.data, warnings };
  return { kind: 'invalid', errors: fieldErrors, general, warnings };
}

/** The draft without the values that have an error of their own (an impossible age judges nothing). */
function readableForWarnings(draft: PatientDraft, errors: FieldErrors) {
  const vitals = Object.fromEntries(
    Object.entries(draft.vitals ?? {}).filter(([name]) => {
      const field = fieldOfIssuePath(['vitals', name]);
      return field !== undefined && errors[field] === undefined;
    }),
  );
  return {
    age: errors.age === undefined ? draft.age : undefined,
    weightKg: errors.weightKg === undefined ? draft.weightKg : undefined,
    sex: draft.sex,
    pregnancy: draft.pregnancy,
    vitals,
  };
}

/** True when two warning lists say the same things, so a confirmation given for one still holds for the other. */
export function sameWarnings(a: readonly PlausibilityWarning[], b: readonly PlausibilityWarning[]): boolean {
  return a.length === b.length && a.every((warning, i) => warning.field === b[i]?.field && warning.message === b[i]?.message);
}
