import { useAppStore } from '../../stores/appStore';
import { controlId, errorId, warningId } from './fieldIds';
import type { IntakeField } from './intakeForm';
import { fieldOfWarning } from './problems';
import { temperatureUnitSuggestion } from './temperatureUnitSuggestion';

/** Props of {@link FieldError}. */
export interface FieldErrorProps {
  field: IntakeField;
}

/** The temperature's "did you mean °F?" button: switches the unit and keeps the typed number. */
function SwitchTemperatureUnit() {
  const suggestion = useAppStore((s) => temperatureUnitSuggestion(s.form)?.unit ?? null);
  const setField = useAppStore((s) => s.setField);
  if (suggestion === null) return null;
  return (
    <button
      type="button"
      className="button-secondary field-error-action"
      onClick={() => {
        setField('temperatureUnit', suggestion);
        document.getElementById(controlId('temperature'))?.focus();
      }}
    >
      Switch to {suggestion === 'F' ? '°F' : '°C'}
    </button>
  );
}

/** The field's error, right under it; the control refers to it with `aria-describedby`. */
export function FieldError({ field }: FieldErrorProps) {
  const message = useAppStore((s) => s.fieldErrors[field]);
  if (message === undefined) return null;
  return (
    <div className="field-error-row">
      <p id={errorId(field)} className="field-error">
        {message}
      </p>
      {field === 'temperature' && <SwitchTemperatureUnit />}
    </div>
  );
}

/** The field's values to confirm (possible typos) from the last send, right under it. */
export function FieldWarning({ field }: FieldErrorProps) {
  const messages = useAppStore((s) => s.warnings.filter((warning) => fieldOfWarning(warning) === field).map((warning) => warning.message).join('\n'));
  const hasError = useAppStore((s) => s.fieldErrors[field] !== undefined);
  if (messages === '' || hasError) return null;
  return (
    <p id={warningId(field)} className="field-warning">
      <strong>Check:</strong> {messages}
    </p>
  );
}

/**
 * Accessibility props a control needs for what the last send found on its field: `aria-invalid` for an error,
 * and `aria-describedby` naming the error and the values to confirm.
 */
export function useInvalidProps(field: IntakeField): { 'aria-invalid': boolean; 'aria-describedby': string | undefined } {
  const invalid = useAppStore((s) => s.fieldErrors[field] !== undefined);
  const warned = useAppStore((s) => !invalid && s.warnings.some((warning) => fieldOfWarning(warning) === field));
  const describedBy = [invalid ? errorId(field) : undefined, warned ? warningId(field) : undefined].filter(Boolean).join(' ');
  return { 'aria-invalid': invalid, 'aria-describedby': describedBy || undefined };
}
