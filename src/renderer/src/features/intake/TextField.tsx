import type { ReactNode } from 'react';
import { FieldError } from './FieldError';
import { FieldLabel } from './FieldLabel';
import { ADULT_REFERENCE_RANGES, referenceRangeId } from './referenceRanges';
import type { TextFieldName } from './textFields';
import { useFieldBinding } from './useFieldBinding';

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
  const binding = useFieldBinding(field, required);
  const range = ADULT_REFERENCE_RANGES[field];
  // The usual range is read with the field, after any error (which matters more).
  const describedBy = [binding['aria-describedby'], range ? referenceRangeId(field) : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <div className="field">
      <FieldLabel field={field} label={label} required={required} />
      <div className="field-control-row">
        <input
          className={numeric ? 'input input-number' : 'input'}
          type="text"
          inputMode={numeric ? 'decimal' : undefined}
          {...binding}
          aria-describedby={describedBy}
        />
        {children}
      </div>
      {range && (
        <p id={referenceRangeId(field)} className="field-hint" data-testid={`range-${field}`}>
          Usual adult range: {range}
        </p>
      )}
      <FieldError field={field} />
    </div>
  );
}
