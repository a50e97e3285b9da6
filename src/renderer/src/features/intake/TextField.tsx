import type { ReactNode } from 'react';
import { useAppStore } from '../../stores/appStore';
import { FieldError, useInvalidProps } from './FieldError';
import { FieldLabel } from './FieldLabel';
import { controlId } from './fieldIds';
import { PATIENT_FIELD_ATTRIBUTES, type TextFieldName } from './textFields';

/** Props of {@link TextField}. */
export interface TextFieldProps {
  field: TextFieldName;
  label: string;
  /** A number field: decimal keypad on touch screens, narrow box. */
  numeric?: boolean;
  required?: boolean;
  /** Extra control rendered beside the input (a unit select). */
  children?: ReactNode;
}

/**
 * A one-line field. Number fields are text inputs with a decimal keypad rather than `type="number"`: a number
 * input silently turns "12a" into an empty value, which would drop a vital sign; here it becomes an error instead.
 */
export function TextField({ field, label, numeric = false, required = false, children }: TextFieldProps) {
  const value = useAppStore((s) => s.form[field]);
  const setField = useAppStore((s) => s.setField);
  const invalidProps = useInvalidProps(field);

  return (
    <div className="field">
      <FieldLabel field={field} label={label} required={required} />
      <div className="field-control-row">
        <input
          id={controlId(field)}
          className={numeric ? 'input input-number' : 'input'}
          type="text"
          inputMode={numeric ? 'decimal' : undefined}
          value={value}
          onChange={(event) => setField(field, event.target.value)}
          aria-required={required || undefined}
          {...invalidProps}
          {...PATIENT_FIELD_ATTRIBUTES}
        />
        {children}
      </div>
      <FieldError field={field} />
    </div>
  );
}
