import { useAppStore } from '../../stores/appStore';
import { fieldOfWarning } from './problems';
import { referenceRangeId, vitalNoteId } from './referenceRanges';
import type { TextFieldName } from './textFields';
import { vitalHint, vitalNote } from './vitalNotes';

/**
 * The hint and the mark under a vital, from the age typed so far: "Usual at 3 years: 80–120 beats/min", and, when
 * the value is outside it, "High for age 3 years — usual 80–120 beats/min" (words, not colour alone). Both quote
 * the same range, as does a warning to confirm.
 */
export function useVitalHint(field: TextFieldName): { hint: string | undefined; note: string | undefined; warned: boolean } {
  const hint = useAppStore((s) => vitalHint(s.form, field));
  const warned = useAppStore((s) => s.fieldErrors[field] === undefined && s.warnings.some((warning) => fieldOfWarning(warning) === field));
  // A value to confirm says the same, and more ("far above … is it a typo?"): the mark would only repeat it.
  const note = useAppStore((s) => (warned ? undefined : vitalNote(s.form, field)));
  return { hint, note, warned };
}

/** Props of {@link VitalHint}. */
export interface VitalHintProps {
  field: TextFieldName;
  hint: string | undefined;
  note: string | undefined;
}

/** Renders {@link useVitalHint}'s texts under the field, with the ids the control's `aria-describedby` names. */
export function VitalHint({ field, hint, note }: VitalHintProps) {
  if (hint === undefined) return null;
  return (
    <>
      <p id={referenceRangeId(field)} className="field-hint" data-testid={`range-${field}`}>
        {hint}
      </p>
      {note !== undefined && (
        <p id={vitalNoteId(field)} className="field-note" data-testid={`note-${field}`}>
          <mark className="vital-flag">{note}</mark>
        </p>
      )}
    </>
  );
}
