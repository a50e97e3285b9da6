import type { ReactNode } from 'react';
import { FieldError, FieldWarning } from './FieldError';
import { FieldLabel } from './FieldLabel';
import { referenceRangeId, vitalNoteId } from './referenceRanges';
import type { TextFieldName } from './textFields';
import { useFieldBinding } from './useFieldBinding';
import { useVitalHint, VitalHint } from './VitalHint';

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
 * A vital also shows its usual range for the age, and a high/low mark when its value is outside it.
 */
export function TextField({ field, label, numeric = false, required = false, children }: TextFieldProps) {
  const binding = useFieldBinding(field, required);
  const { hint, note, warned } = useVitalHint(field);
  // Read in order of weight: the error or value to confirm, then the high/low mark, then the usual range.
  const describedBy =
    [binding['aria-describedby'], note !== undefined ? vitalNoteId(field) : undefined, hint !== undefined ? referenceRangeId(field) : undefined]
      .filter(Boolean)
      .join(' ') || undefined;
  const flagged = note !== undefined || warned;
  const className = [numeric ? 'input input-number' : 'input', flagged ? 'input-flagged' : ''].filter(Boolean).join(' ');

  return (
    <div className="field">
      <FieldLabel field={field} label={label} required={required} />
      <div className="field-control-row">
        <input className={className} type="text" inputMode={numeric ? 'decimal' : undefined} {...binding} aria-describedby={describedBy} />
        {children}
      </div>
      <VitalHint field={field} hint={hint} note={note} />
      <FieldWarning field={field} />
      <FieldError field={field} />
    </div>
  );
}
