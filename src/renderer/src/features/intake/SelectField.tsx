import { FieldError, FieldWarning } from './FieldError';
import { FieldLabel } from './FieldLabel';
import type { TextFieldName } from './textFields';
import { useFieldBinding } from './useFieldBinding';

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
  const binding = useFieldBinding(field, required);

  return (
    <div className="field">
      <FieldLabel field={field} label={label} required={required} />
      <select className="input select" {...binding}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldWarning field={field} />
      <FieldError field={field} />
    </div>
  );
}
