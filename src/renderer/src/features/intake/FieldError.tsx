import { useAppStore } from '../../stores/appStore';
import { errorId } from './fieldIds';
import type { IntakeField } from './intakeForm';

/** Props of {@link FieldError}. */
export interface FieldErrorProps {
  field: IntakeField;
}

/** The field's error, right under it; the control refers to it with `aria-describedby`. */
export function FieldError({ field }: FieldErrorProps) {
  const message = useAppStore((s) => s.fieldErrors[field]);
  if (message === undefined) return null;
  return (
    <p id={errorId(field)} className="field-error">
      {message}
    </p>
  );
}

/** Accessibility props a control needs when its field has an error. */
export function useInvalidProps(field: IntakeField): { 'aria-invalid': boolean; 'aria-describedby': string | undefined } {
  const invalid = useAppStore((s) => s.fieldErrors[field] !== undefined);
  return { 'aria-invalid': invalid, 'aria-describedby': invalid ? errorId(field) : undefined };
}
