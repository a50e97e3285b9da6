import { useEffect, useMemo, useRef, useState } from 'react';
import { PREGNANCY_STATES, SEXES } from '../../../../shared/patient';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { useTakeLostFocus } from '../focus/lostFocus';
import { useSendAvailability } from '../status/useSendAvailability';
import { controlId } from './fieldIds';
import { PlausibilityWarnings } from './PlausibilityWarnings';
import { intakeProblems, problemsSummary } from './problems';
import { SelectField, type SelectOption } from './SelectField';
import { TextAreaField } from './TextAreaField';
import { TextField } from './TextField';
import { AgeUnitSelect, TemperatureUnitSelect } from './UnitSelects';

const SEX_OPTIONS: readonly SelectOption[] = SEXES.map((sex) => ({ value: sex, label: sex }));
// The empty choice means "not recorded" and is left out of the payload; it is not the same as "unknown".
const PREGNANCY_OPTIONS: readonly SelectOption[] = [
  { value: '', label: 'not recorded' },
  ...PREGNANCY_STATES.map((state) => ({ value: state, label: state })),
];

/** The patient intake: checked in the store against the shared rules, then sent as the session's first turn. */
export function IntakeForm() {
  const submitIntake = useAppStore((s) => s.submitIntake);
  const intakeError = useAppStore((s) => s.intakeError);
  const formErrors = useAppStore((s) => s.formErrors);
  const fieldErrors = useAppStore((s) => s.fieldErrors);
  const warnings = useAppStore((s) => s.warnings);
  const warningsConfirmed = useAppStore((s) => s.warningsConfirmed);
  const problems = useMemo(() => intakeProblems(fieldErrors, formErrors, warnings, warningsConfirmed), [fieldErrors, formErrors, warnings, warningsConfirmed]);
  const doNotKeep = useAppStore((s) => s.doNotKeep);
  const setDoNotKeep = useAppStore((s) => s.setDoNotKeep);
  const { canSend, reason: cannotSendReason } = useSendAvailability();
  const formRef = useRef<HTMLFormElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);
  // Counts sends tried; after each, the focus goes to whatever kept the form back (the form is gone if it was sent).
  const [sendsTried, setSendsTried] = useState(0);

  // Shown with the focus lost (after signing in, "New patient", a first turn that failed): the first field — or,
  // when main refused the last send, "Get protocol", to try again once the alert has been read.
  useTakeLostFocus(() =>
    intakeError !== null ? submitRef.current : formRef.current?.querySelector<HTMLElement>('input, select, textarea'),
  );

  // The field of the first problem, top to bottom; else (a problem of the whole form) the box that confirms values.
  const firstProblemField = problems[0]?.field;
  useEffect(() => {
    if (sendsTried === 0) return;
    const target = firstProblemField === undefined ? null : document.getElementById(controlId(firstProblemField));
    (target ?? formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], #plausibility-confirm:not(:checked)'))?.focus();
    // Only a send moves the focus (the count changes); editing a field re-renders with a new first problem, not a move.
  }, [sendsTried]);

  return (
    <form
      ref={formRef}
      className="intake"
      noValidate
      aria-labelledby="intake-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (!canSend) return;
        // The checks run synchronously, so what kept the form back is rendered with this count.
        void submitIntake();
        setSendsTried((count) => count + 1);
      }}
    >
      <h2 id="intake-title" className="section-title">
        Patient intake
      </h2>
      <ErrorAlert message={intakeError?.message ?? null} />

      <fieldset className="fieldset">
        <legend>Patient</legend>
        <div className="field-grid">
          <TextField field="age" label="Age" numeric required>
            <AgeUnitSelect />
          </TextField>
          <SelectField field="sex" label="Sex" options={SEX_OPTIONS} required />
          <TextField field="weightKg" label="Weight (kg)" numeric />
          <SelectField field="pregnancy" label="Pregnancy" options={PREGNANCY_OPTIONS} />
        </div>
        <TextAreaField field="chiefComplaint" label="Chief complaint" required rows={3} />
      </fieldset>

      <fieldset className="fieldset">
        <legend>Vital signs</legend>
        <div className="field-grid">
          <TextField field="heartRate" label="Heart rate (beats/min)" numeric />
          <TextField field="systolicBp" label="Systolic BP (mmHg)" numeric />
          <TextField field="diastolicBp" label="Diastolic BP (mmHg)" numeric />
          <TextField field="respiratoryRate" label="Respiratory rate (breaths/min)" numeric />
          <TextField field="temperature" label="Temperature" numeric>
            <TemperatureUnitSelect />
          </TextField>
          <TextField field="spo2" label="SpO2 (%)" numeric />
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>History</legend>
        <TextAreaField field="allergies" label="Allergies" />
        <TextAreaField field="medications" label="Medications" />
        <TextAreaField field="pastMedicalHistory" label="Past medical history" />
      </fieldset>

      <PlausibilityWarnings />

      {/* The patient declined storage: main then seals and writes nothing, so the session never reaches history. */}
      <div className="checkbox-row do-not-keep">
        <input id="do-not-keep" type="checkbox" checked={doNotKeep} onChange={(event) => setDoNotKeep(event.target.checked)} />
        <label htmlFor="do-not-keep">
          Do not keep this session (the patient declined storage): it lives in memory only and is never written
        </label>
      </div>

      {formErrors.length > 0 && (
        <ul className="form-errors">
          {formErrors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <div className="form-actions">
        <button ref={submitRef} type="submit" className="button-primary" disabled={!canSend} aria-describedby={canSend ? undefined : 'intake-send-paused'}>
          Get protocol
        </button>
        {cannotSendReason !== null && (
          <p id="intake-send-paused" className="send-paused" role="status" data-testid="send-paused">
            {cannotSendReason}
          </p>
        )}
        {/* The live region that says why nothing was sent: how many problems, and the first (where the focus goes). */}
        <p className="form-hint" aria-live="polite" data-testid="intake-problems">
          {problemsSummary(problems)}
        </p>
      </div>
    </form>
  );
}
