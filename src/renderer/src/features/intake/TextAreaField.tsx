import { FieldError, FieldWarning } from './FieldError';
import { FieldLabel } from './FieldLabel';
import type { TextFieldName } from './textFields';
import { useFieldBinding } from './useFieldBinding';

/** Props of {@link TextAreaField}. */
export interface TextAreaFieldProps {
  field: TextFieldName;
  label: string;
  required?: boolean;
  rows?: number;
}

/** A multi-line free-text field (complaint, allergies, medications, history). */
export function TextAreaField({ field, label, required = false, rows = 2 }: TextAreaFieldProps) {
  const binding = useFieldBinding(field, required);

  return (
    <div className="field field-wide">
      <FieldLabel field={field} label={label} required={required} />
      <textarea
        className="input textarea"
        rows={rows}
        {...binding}
      />
      <FieldWarning field={field} />
      <FieldError field={field} />
    </div>
  );
}
