/**
 * Pure conversions from what the clinician typed to what the API accepts: units to the contract's units, text to
 * numbers, blank fields dropped. No validation of ranges here; that is the shared schema's job.
 */
import type { AgeUnit, FieldErrors, IntakeField, IntakeForm, TemperatureUnit } from './intakeForm';

/** Days per year used for ages entered in days (the Julian year, so leap years average out). */
export const DAYS_PER_YEAR = 365.25;

/** An age in `unit` as years, the unit of the contract (fractions for infants). */
export function ageToYears(value: number, unit: AgeUnit): number {
  switch (unit) {
    case 'years':
      return value;
    case 'months':
      return value / 12;
    case 'days':
      return value / DAYS_PER_YEAR;
  }
}

/** A temperature in °F as °C, rounded to one decimal (thermometer precision; more would be invented). */
export function fahrenheitToCelsius(fahrenheit: number): number {
  const celsius = Math.round(((fahrenheit - 32) * 5 * 10) / 9) / 10;
  return Object.is(celsius, -0) ? 0 : celsius;
}

/** A temperature in `unit` as °C. */
export function temperatureToCelsius(value: number, unit: TemperatureUnit): number {
  return unit === 'F' ? fahrenheitToCelsius(value) : value;
}

// Plain decimals only: "1e3", "0x10" and "Infinity" are numbers to JavaScript but typos at a bedside.
// A comma is accepted as the decimal mark because many clinicians write 37,5.
const DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;

/** Outcome of reading a number field. */
export type ParsedNumber = { kind: 'empty' } | { kind: 'number'; value: number } | { kind: 'invalid' };

/** Reads a typed number: blank is `empty`, a plain decimal is a `number`, anything else is `invalid`. */
export function parseNumberText(text: string): ParsedNumber {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (!DECIMAL.test(trimmed)) return { kind: 'invalid' };
  return { kind: 'number', value: Number(trimmed.replace(',', '.')) };
}

/** How each number field is named in messages (matches the shared schema's wording). */
export const NUMBER_FIELD_NAMES = {
  age: 'Age',
  weightKg: 'Weight',
  heartRate: 'Heart rate',
  systolicBp: 'Systolic blood pressure',
  diastolicBp: 'Diastolic blood pressure',
  respiratoryRate: 'Respiratory rate',
  temperature: 'Temperature',
  spo2: 'SpO2',
} as const satisfies Partial<Record<IntakeField, string>>;

type NumberField = keyof typeof NUMBER_FIELD_NAMES;

/** The patient as typed, converted but not yet checked against the schema. */
export interface PatientDraft {
  age?: number;
  sex?: string;
  chiefComplaint?: string;
  weightKg?: number;
  vitals?: {
    heartRate?: number;
    systolicBp?: number;
    diastolicBp?: number;
    respiratoryRate?: number;
    temperatureC?: number;
    spo2?: number;
  };
  allergies?: string;
  medications?: string;
  pregnancy?: string;
  pastMedicalHistory?: string;
}

/** Result of {@link formToPatientDraft}: the draft, and an error per number field that is not a number. */
export interface DraftResult {
  draft: PatientDraft;
  errors: FieldErrors;
}

/**
 * Converts the form to an API payload: numbers parsed and converted to contract units, text trimmed, and every
 * blank field left out (never an empty string or NaN). A field that is not a number gets an error naming it.
 */
export function formToPatientDraft(form: IntakeForm): DraftResult {
  const errors: FieldErrors = {};
  const number = (field: NumberField): number | undefined => {
    const parsed = parseNumberText(form[field]);
    if (parsed.kind === 'invalid') errors[field] = `${NUMBER_FIELD_NAMES[field]} must be a number`;
    return parsed.kind === 'number' ? parsed.value : undefined;
  };

  const age = number('age');
  const temperature = number('temperature');
  const vitals = withoutBlanks({
    heartRate: number('heartRate'),
    systolicBp: number('systolicBp'),
    diastolicBp: number('diastolicBp'),
    respiratoryRate: number('respiratoryRate'),
    temperatureC: temperature === undefined ? undefined : temperatureToCelsius(temperature, form.temperatureUnit),
    spo2: number('spo2'),
  });

  const draft: PatientDraft = withoutBlanks({
    age: age === undefined ? undefined : ageToYears(age, form.ageUnit),
    sex: text(form.sex),
    chiefComplaint: text(form.chiefComplaint),
    weightKg: number('weightKg'),
    vitals: Object.keys(vitals).length > 0 ? vitals : undefined,
    allergies: text(form.allergies),
    medications: text(form.medications),
    pregnancy: text(form.pregnancy),
    pastMedicalHistory: text(form.pastMedicalHistory),
  });
  return { draft, errors };
}

/** Trimmed text, or undefined when nothing but whitespace was typed. */
function text(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Drops undefined members, so the payload carries only what the clinician entered. */
function withoutBlanks<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
