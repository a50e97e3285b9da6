import { z } from 'zod';

/**
 * Patient data as the clinician enters it. These schemas refuse only the **impossible** (a negative age, SpO2
 * above 100 %, an empty complaint, text where a number belongs): main refuses such input with `INVALID_INPUT`
 * naming the field and sends nothing to the model. The merely implausible (a heart rate of 250) is accepted here
 * and flagged by {@link ./plausibility} for the clinician to confirm in the form.
 *
 * Every limit below is an outer physical bound, documented beside it, not a clinical threshold.
 */

/** A number within hard bounds, with messages that name the quantity and its unit. */
function boundedNumber(label: string, min: number, max: number, unit: string) {
  const unitSuffix = unit ? ` ${unit}` : '';
  return z
    .number({ error: (issue) => (issue.input === undefined ? `${label} is required` : `${label} must be a number`) })
    .refine(Number.isFinite, { error: `${label} must be a finite number` })
    .refine((value) => value >= min, { error: `${label} cannot be below ${min}${unitSuffix}` })
    .refine((value) => value <= max, { error: `${label} cannot be above ${max}${unitSuffix}` });
}

/** Free text with a length cap, so a pasted document cannot flood the prompt or the IPC channel. */
function boundedText(label: string, maxLength: number) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `${label} is required` : `${label} must be text`) })
    .max(maxLength, { error: `${label} is longer than ${maxLength} characters` });
}

/** Sexes the form offers. */
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
/** Pregnancy states the form offers. */
export const PREGNANCY_STATES = ['pregnant', 'not pregnant', 'unknown'] as const;

/** Longest text accepted in a free-text patient field. */
export const MAX_FIELD_TEXT = 2_000;
/** Longest follow-up message accepted. */
export const MAX_MESSAGE_TEXT = 8_000;

/** Vital signs; each one optional. Bounds are physical limits (0 is possible: arrest, apnoea). */
export const Vitals = z.strictObject({
  heartRate: boundedNumber('Heart rate', 0, 350, 'beats/min').optional(),
  systolicBp: boundedNumber('Systolic blood pressure', 0, 350, 'mmHg').optional(),
  diastolicBp: boundedNumber('Diastolic blood pressure', 0, 250, 'mmHg').optional(),
  respiratoryRate: boundedNumber('Respiratory rate', 0, 120, 'breaths/min').optional(),
  // Survived extremes are about 13.7 °C and 46.5 °C; outside 10–47 °C it is a typo or a unit mix-up.
  temperatureC: boundedNumber('Temperature', 10, 47, '°C').optional(),
  spo2: boundedNumber('SpO2', 0, 100, '%').optional(),
});
/** @see Vitals */
export type Vitals = z.infer<typeof Vitals>;

const patientFields = {
  // Fractions of a year for infants; the oldest documented human lived 122 years.
  age: boundedNumber('Age', 0, 130, 'years'),
  sex: z.enum(SEXES, { error: `Sex must be one of: ${SEXES.join(', ')}` }),
  chiefComplaint: boundedText('Chief complaint', MAX_FIELD_TEXT).refine((text) => text.trim().length > 0, {
    error: 'Chief complaint cannot be empty',
  }),
  // Heaviest recorded human about 635 kg; anything above 0 may be a premature neonate.
  weightKg: boundedNumber('Weight', 0.2, 700, 'kg').optional(),
  vitals: Vitals.optional(),
  allergies: boundedText('Allergies', MAX_FIELD_TEXT).optional(),
  medications: boundedText('Medications', MAX_FIELD_TEXT).optional(),
  pregnancy: z.enum(PREGNANCY_STATES, { error: `Pregnancy must be one of: ${PREGNANCY_STATES.join(', ')}` }).optional(),
  pastMedicalHistory: boundedText('Past medical history', MAX_FIELD_TEXT).optional(),
};

/** The message for a diastolic pressure above the systolic, on the diastolic field. */
export const DIASTOLIC_ABOVE_SYSTOLIC = 'Diastolic blood pressure cannot be above the systolic pressure';

/**
 * True when both pressures are there and the diastolic is above the systolic: that cannot be measured, it is a
 * swapped entry. Exported so the form can report it in the same round as other fields' problems (the schema's
 * refinement below runs only once every field has passed).
 */
export function diastolicAboveSystolic(vitals: { systolicBp?: number | undefined; diastolicBp?: number | undefined } | undefined): boolean {
  return vitals?.systolicBp !== undefined && vitals.diastolicBp !== undefined && vitals.diastolicBp > vitals.systolicBp;
}

/** Refuses a diastolic pressure above the systolic. */
function diastolicNotAboveSystolic(vitals: Vitals | undefined, ctx: z.RefinementCtx, path: (string | number)[]): void {
  if (diastolicAboveSystolic(vitals)) {
    ctx.addIssue({ code: 'custom', path: [...path, 'vitals', 'diastolicBp'], message: DIASTOLIC_ABOVE_SYSTOLIC });
  }
}

/** The whole patient, as the first turn of a session needs it. */
export const Patient = z.strictObject(patientFields).superRefine((patient, ctx) => {
  diastolicNotAboveSystolic(patient.vitals, ctx, []);
});
/** @see Patient */
export type Patient = z.infer<typeof Patient>;

/** Fields a follow-up may update; every one optional, each with the same bounds. */
export const PatientUpdate = z
  .strictObject({ ...patientFields, vitals: Vitals.optional() })
  .partial()
  .superRefine((patient, ctx) => {
    diastolicNotAboveSystolic(patient.vitals, ctx, []);
  });
/** @see PatientUpdate */
export type PatientUpdate = z.infer<typeof PatientUpdate>;

/**
 * Applies a follow-up's update to the session's patient. Fields the update does not carry are kept, so
 * "patient also has diabetes" keeps age, sex, weight and vitals; vitals merge field by field.
 */
export function mergePatient(current: Patient, update: PatientUpdate | undefined): Patient {
  if (!update) return current;
  const defined = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
  const vitals = update.vitals ? { ...current.vitals, ...stripUndefined(update.vitals) } : current.vitals;
  return { ...current, ...defined, ...(vitals ? { vitals } : {}) } as Patient;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
