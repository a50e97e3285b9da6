import { controlId } from './fieldIds';
import type { IntakeField } from './intakeForm';

/** Props of {@link FieldLabel}. */
export interface FieldLabelProps {
  field: IntakeField;
  /** The exact accessible name (end-to-end tests find the control by it), unit included. */
  label: string;
  required?: boolean;
}

/**
 * A field's label. The "required" mark sits outside the `<label>` so the control's accessible name stays exactly
 * `label`; the control itself carries `aria-required`.
 */
export function FieldLabel({ field, label, required = false }: FieldLabelProps) {
  return (
    <div className="field-label-row">
      <label htmlFor={controlId(field)}>{label}</label>
      {required && (
        <span className="field-required" aria-hidden="true">
          required
        </span>
      )}
    </div>
  );
}
