import type { ChangeEvent } from 'react';
import { useAppStore } from '../../stores/appStore';
import { useInvalidProps } from './FieldError';
import { controlId } from './fieldIds';
import { PATIENT_FIELD_ATTRIBUTES, type TextFieldName } from './textFields';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/**
 * Everything a patient-field control needs, in one place: its id, its value from the store, the action that
 * writes it, the required and error state for assistive technology, and the no-autofill/no-spell-check
 * attributes. Inputs, selects and text areas spread the result, so they cannot drift apart.
 */
export function useFieldBinding(field: TextFieldName, required: boolean) {
  const value = useAppStore((s) => s.form[field]);
  const setField = useAppStore((s) => s.setField);
  const invalidProps = useInvalidProps(field);
  return {
    id: controlId(field),
    value,
    onChange: (event: ChangeEvent<Control>) => setField(field, event.target.value),
    'aria-required': required || undefined,
    ...invalidProps,
    ...PATIENT_FIELD_ATTRIBUTES,
  };
}
