/**
 * The intake form as the clinician types it: every field a string, exactly what is in the inputs. Keeping the raw
 * text (not parsed numbers) means a failed send or a validation error never loses or rewrites what was typed.
 */

/** Units the age may be entered in; the API always receives years. */
export const AGE_UNITS = ['years', 'months', 'days'] as const;
/** @see AGE_UNITS */
export type AgeUnit = (typeof AGE_UNITS)[number];

/** Units the temperature may be entered in; the API always receives °C. */
export const TEMPERATURE_UNITS = ['C', 'F'] as const;
/** @see TEMPERATURE_UNITS */
export type TemperatureUnit = (typeof TEMPERATURE_UNITS)[number];

/** Every input of the intake form, as typed. */
export interface IntakeForm {
  age: string;
  ageUnit: AgeUnit;
  sex: string;
  chiefComplaint: string;
  weightKg: string;
  heartRate: string;
  systolicBp: string;
  diastolicBp: string;
  respiratoryRate: string;
  temperature: string;
  temperatureUnit: TemperatureUnit;
  spo2: string;
  allergies: string;
  medications: string;
  pregnancy: string;
  pastMedicalHistory: string;
}

/** Name of one intake input. */
export type IntakeField = keyof IntakeForm;

/** Per-field messages for the clinician, shown next to the field they name. */
export type FieldErrors = Partial<Record<IntakeField, string>>;

/**
 * A blank form. Sex starts at "unknown" rather than a guess: the select has no empty option, and a silently
 * preselected "female" would be a fabricated fact in the prompt.
 */
export const EMPTY_INTAKE_FORM: Readonly<IntakeForm> = Object.freeze({
  age: '',
  ageUnit: 'years',
  sex: 'unknown',
  chiefComplaint: '',
  weightKg: '',
  heartRate: '',
  systolicBp: '',
  diastolicBp: '',
  respiratoryRate: '',
  temperature: '',
  temperatureUnit: 'C',
  spo2: '',
  allergies: '',
  medications: '',
  pregnancy: '',
  pastMedicalHistory: '',
});

/** True when `value` is one of {@link AGE_UNITS}. */
export function isAgeUnit(value: string): value is AgeUnit {
  return (AGE_UNITS as readonly string[]).includes(value);
}

/** True when `value` is one of {@link TEMPERATURE_UNITS}. */
export function isTemperatureUnit(value: string): value is TemperatureUnit {
  return (TEMPERATURE_UNITS as readonly string[]).includes(value);
}

/** The fields top to bottom, as the form lays them out. */
export const FIELD_ORDER = [
  'age',
  'sex',
  'weightKg',
  'pregnancy',
  'chiefComplaint',
  'heartRate',
  'systolicBp',
  'diastolicBp',
  'respiratoryRate',
  'temperature',
  'spo2',
  'allergies',
  'medications',
  'pastMedicalHistory',
] as const satisfies readonly IntakeField[];
