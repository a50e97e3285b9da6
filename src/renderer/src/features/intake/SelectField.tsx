import { useAppStore } from '../../stores/appStore';
import { FieldError, useInvalidProps } from './FieldError';
import { FieldLabel } from './FieldLabel';
import { controlId } from './fieldIds';
import { PATIENT_FIELD_ATTRIBUTES, type TextFieldName } from './textFields';

/** One choice of a select. */
export interface SelectOption {
  value: string;
  label: string;
}

/** Props of {@link SelectField}. */
export interface SelectFieldProps {
  field: TextFieldName;
  label: string;
  options: readonly SelectOption[];
  required?: boolean;
}

/** A field chosen from a fixed list (sex, pregnancy). */
export function SelectField({ field, label, options, required = false }: SelectFieldProps) {
  const value = useAppStore((s) => s.form[field]);
  const setField = useAppStore((s) => s.setField);
  const invalidProps = useInvalidProps(field);

  return (
    <div className="field">
      <FieldLabel field={field} label={label} required={required} />
      <select
        id={controlId(field)}
        className="input select"
        value={value}
        onChange={(event) => setField(field, event.target.value)}
        aria-required={required || undefined}
        {...invalidProps}
        {...PATIENT_FIELD_ATTRIBUTES}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError field={field} />
    </div>
  );
}
