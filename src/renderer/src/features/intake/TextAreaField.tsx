import { useAppStore } from '../../stores/appStore';
import { FieldError, useInvalidProps } from './FieldError';
import { FieldLabel } from './FieldLabel';
import { controlId } from './fieldIds';
import { PATIENT_FIELD_ATTRIBUTES, type TextFieldName } from './textFields';

/** Props of {@link TextAreaField}. */
export interface TextAreaFieldProps {
  field: TextFieldName;
  label: string;
  required?: boolean;
  rows?: number;
}

/** A multi-line free-text field (complaint, allergies, medications, history). */
export function TextAreaField({ field, label, required = false, rows = 2 }: TextAreaFieldProps) {
  const value = useAppStore((s) => s.form[field]);
  const setField = useAppStore((s) => s.setField);
  const invalidProps = useInvalidProps(field);

  return (
    <div className="field field-wide">
      <FieldLabel field={field} label={label} required={required} />
      <textarea
        id={controlId(field)}
        className="input textarea"
        rows={rows}
        value={value}
        onChange={(event) => setField(field, event.target.value)}
        aria-required={required || undefined}
        {...invalidProps}
        {...PATIENT_FIELD_ATTRIBUTES}
      />
      <FieldError field={field} />
    </div>
  );
}
