/**
 * What the form says under each vital as the clinician types, read from the shared age table: the usual range for
 * the age entered so far, and a high/low mark when the value is outside it. Marks never block sending.
 */
import { Vitals } from '../../../../shared/patient';
import { outsideRangeMessage, usualRangeHint, vitalLevel, type VitalName } from '../../../../shared/vitalRanges';
import { ageToYears, parseNumberText, temperatureToCelsius } from './conversions';
import type { IntakeForm } from './intakeForm';
import { VITAL_OF_FIELD } from './referenceRanges';
import type { TextFieldName } from './textFields';

/** The age typed so far, in years; undefined while it is blank, unreadable or impossible. */
export function formAgeYears(form: Pick<IntakeForm, 'age' | 'ageUnit'>): number | undefined {
  const parsed = parseNumberText(form.age);
  if (parsed.kind !== 'number' || parsed.value < 0) return undefined;
  return ageToYears(parsed.value, form.ageUnit);
}

/** The vital's value as the schema would receive it, or undefined when blank, unreadable or impossible. */
function vitalValue(form: IntakeForm, field: TextFieldName, vital: VitalName): number | undefined {
  const parsed = parseNumberText(form[field]);
  if (parsed.kind !== 'number') return undefined;
  const value = vital === 'temperatureC' ? temperatureToCelsius(parsed.value, form.temperatureUnit) : parsed.value;
  return Vitals.safeParse({ [vital]: value }).success ? value : undefined;
}

/** The usual-range hint under `field` for the age typed so far, or undefined when the field is not a vital. */
export function vitalHint(form: IntakeForm, field: TextFieldName): string | undefined {
  const vital = VITAL_OF_FIELD[field];
  return vital === undefined ? undefined : usualRangeHint(vital, formAgeYears(form));
}

/** "High for age 3 years — usual 80–120 beats/min" when the field's value is outside the usual range, else undefined. */
export function vitalNote(form: IntakeForm, field: TextFieldName): string | undefined {
  const vital = VITAL_OF_FIELD[field];
  if (vital === undefined) return undefined;
  const value = vitalValue(form, field, vital);
  if (value === undefined) return undefined;
  const age = formAgeYears(form);
  const level = vitalLevel(vital, value, age);
  return level === 'usual' ? undefined : outsideRangeMessage(vital, level, age);
}
