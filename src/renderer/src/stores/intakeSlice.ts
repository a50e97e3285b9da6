/**
 * The intake form: what the clinician typed, what is wrong with it, which values need confirming, and the action
 * that checks it and starts a session. The typed values stay here until "New patient", so a failed first turn
 * (model server down, main refusing the input) never costs the clinician their typing.
 */
import type { ErrorPayload } from '../../../shared/errors';
import type { PlausibilityWarning } from '../../../shared/plausibility';
import { EMPTY_INTAKE_FORM, type FieldErrors, type IntakeField, type IntakeForm } from '../features/intake/intakeForm';
import { fieldOfWarning } from '../features/intake/problems';
import { sameWarnings, validateIntake } from '../features/intake/validateIntake';
import type { DataOf, SliceCreator } from './types';

/** Intake data and actions. */
export interface IntakeSlice {
  form: IntakeForm;
  /** Impossible or unreadable values, by field; nothing is sent while any is present. */
  fieldErrors: FieldErrors;
  /** Problems the schema found that belong to no single field. */
  formErrors: string[];
  /** Values from the last check that may be typos, shown on their fields; sending waits until they are confirmed. */
  warnings: PlausibilityWarning[];
  /** The clinician ticked "I confirm these values are correct" for {@link warnings}. */
  warningsConfirmed: boolean;
  /** Main's refusal or failure of the first turn, shown as an alert above the form. */
  intakeError: ErrorPayload | null;
  /** The patient declined storage: the session is to live in memory only and never be written. */
  doNotKeep: boolean;

  /** Records what was typed in one field, and drops that field's stale error and warnings. */
  setField<F extends IntakeField>(field: F, value: IntakeForm[F]): void;
  setWarningsConfirmed(confirmed: boolean): void;
  setDoNotKeep(doNotKeep: boolean): void;
  /** Checks the form and, when it passes (and warnings are confirmed), starts the session. */
  submitIntake(): Promise<void>;
}

/** An empty intake. */
export const initialIntakeState: Readonly<DataOf<IntakeSlice>> = Object.freeze({
  form: { ...EMPTY_INTAKE_FORM },
  fieldErrors: {},
  formErrors: [],
  warnings: [],
  warningsConfirmed: false,
  intakeError: null,
  doNotKeep: false,
});

/** Builds the intake slice. It needs no api of its own: sending is the session slice's job. */
export function createIntakeSlice(): SliceCreator<IntakeSlice> {
  return (set, get) => ({
    ...initialIntakeState,

    setField(field, value) {
      set((state) => {
        // A unit belongs to its number: changing it makes the number's error stale too.
        const numberField: IntakeField = field === 'temperatureUnit' ? 'temperature' : field === 'ageUnit' ? 'age' : field;
        const { [field]: _dropped, [numberField]: _droppedNumber, ...otherErrors } = state.fieldErrors;
        return {
          form: { ...state.form, [field]: value },
          fieldErrors: otherErrors,
          warnings: state.warnings.filter((warning) => !warningOutdatedBy(warning, field)),
        };
      });
    },

    setWarningsConfirmed(confirmed) {
      set({ warningsConfirmed: confirmed });
    },

    setDoNotKeep(doNotKeep) {
      set({ doNotKeep });
    },

    async submitIntake() {
      const state = get();
      if (state.runningTurnKey !== null) return;
      const checked = validateIntake(state.form);
      // A confirmation holds only for the warnings it was given for: change a flagged value and it is asked again.
      const confirmed = state.warningsConfirmed && sameWarnings(state.warnings, checked.warnings);
      // Every problem at once: errors and values to confirm are shown together, each on its field.
      if (checked.kind === 'invalid') {
        set({ fieldErrors: checked.errors, formErrors: checked.general, warnings: checked.warnings, warningsConfirmed: confirmed, intakeError: null });
        return;
      }
      set({ fieldErrors: {}, formErrors: [], warnings: checked.warnings, warningsConfirmed: confirmed });
      if (checked.warnings.length > 0 && !confirmed) return;
      await get().startSession(checked.patient, { doNotKeep: state.doNotKeep });
    },
  });
}

/**
 * True when editing `field` makes `warning` stale: its own field's value changed, the age its vitals were judged
 * for changed, or the temperature's unit changed. The warning comes back at the next send if it still applies.
 */
function warningOutdatedBy(warning: PlausibilityWarning, field: IntakeField): boolean {
  const warned = fieldOfWarning(warning);
  if (warned === field) return true;
  if (field === 'temperatureUnit') return warned === 'temperature';
  if (field === 'age' || field === 'ageUnit') return warning.field.startsWith('vitals.') || warned === 'pregnancy';
  return false;
}
