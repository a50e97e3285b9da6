/**
 * The usual resting vital signs by age: the one table the form's hints, the form's high/low marks, the typo check
 * ({@link ./plausibility}), the patient summary and the model's prompt all read, so none of them can contradict
 * another. docs/vital-ranges.md lists every number with its source; keep the two in step.
 *
 * Sources:
 * - Heart rate, respiratory rate and blood pressure from birth to 15 years: American Heart Association, Pediatric
 *   Advanced Life Support Provider Manual (2020), tables "Normal heart rates" (awake rates), "Normal respiratory
 *   rates" and "Normal blood pressures". PALS's respiratory-rate row "Infant" starts at birth, so it also serves
 *   neonates; the neonatal blood pressure is PALS's "Neonate (96 h)" row. Every band has a PALS row, so APLS
 *   (Advanced Paediatric Life Support, 6th ed.), the fallback where PALS has none, is not needed at present.
 * - Adults (16 years and over): the usual adult resting ranges the form already showed — heart rate 60–100
 *   (AHA), respiratory rate 12–20 (NEWS2 scores it 0), blood pressure 90–139 / 60–89 mmHg (below the ESC/ESH 140/90
 *   hypertension threshold, at or above the usual 90/60 for hypotension).
 * - Temperature: fever is 38.0 °C or more at every age (the common clinical definition; NICE NG143's threshold in
 *   young infants); hypothermia is below 36.0 °C, below 36.5 °C in a neonate (WHO, Thermal protection of the
 *   newborn, 1997).
 * - SpO2: below 95 % is abnormal at every age past the first minutes of life (WHO Pulse Oximetry Training Manual,
 *   2011: normal 95–100 % at sea level).
 *
 * These ranges mark values for attention; they never block a send. Values far outside them are the typo check's.
 */

/** The vital signs that have usual ranges, named as in the `Vitals` schema. */
export const VITAL_NAMES = ['heartRate', 'systolicBp', 'diastolicBp', 'respiratoryRate', 'temperatureC', 'spo2'] as const;
/** @see VITAL_NAMES */
export type VitalName = (typeof VITAL_NAMES)[number];

/** A usual range, both ends included (values are whole numbers, temperatures to 0.1 °C). */
export interface UsualRange {
  readonly low: number;
  readonly high: number;
}

/** Age bands, youngest first. */
export const AGE_BANDS = ['neonate', 'infant', 'toddler', 'preschool', 'schoolAge', 'preadolescent', 'adolescent', 'adult'] as const;
/** @see AGE_BANDS */
export type AgeBand = (typeof AGE_BANDS)[number];

interface BandRow {
  readonly band: AgeBand;
  /** The youngest age in the band, in years; the band runs up to (not including) the next row's start. */
  readonly fromYears: number;
  readonly ranges: Readonly<Record<VitalName, UsualRange>>;
}

/** Days per year the form converts ages with (the Julian year); the neonatal boundary is counted in days. */
const DAYS_PER_YEAR = 365.25;
/** The neonatal period is the first 28 days of life (days 0–27, WHO); on day 28 the patient is an infant. */
const NEONATE_DAYS = 28;

const FEVER_FREE = { high: 37.9 } as const; // fever is ≥ 38.0 °C at every age
const SPO2 = { low: 95, high: 100 } as const;
const temperature = (low: number): UsualRange => ({ low, high: FEVER_FREE.high });

// Each band owns its lower boundary: exactly 1 year is a toddler, exactly 12 years an adolescent, 16 an adult.
const TABLE: readonly BandRow[] = [
  {
    band: 'neonate',
    fromYears: 0,
    ranges: { heartRate: { low: 100, high: 205 }, respiratoryRate: { low: 30, high: 53 }, systolicBp: { low: 67, high: 84 }, diastolicBp: { low: 35, high: 53 }, temperatureC: temperature(36.5), spo2: SPO2 },
  },
  {
    band: 'infant',
    fromYears: NEONATE_DAYS / DAYS_PER_YEAR,
    ranges: { heartRate: { low: 100, high: 180 }, respiratoryRate: { low: 30, high: 53 }, systolicBp: { low: 72, high: 104 }, diastolicBp: { low: 37, high: 56 }, temperatureC: temperature(36.0), spo2: SPO2 },
  },
  {
    band: 'toddler',
    fromYears: 1,
    ranges: { heartRate: { low: 98, high: 140 }, respiratoryRate: { low: 22, high: 37 }, systolicBp: { low: 86, high: 106 }, diastolicBp: { low: 42, high: 63 }, temperatureC: temperature(36.0), spo2: SPO2 },
  },
  {
    band: 'preschool',
    fromYears: 3,
    ranges: { heartRate: { low: 80, high: 120 }, respiratoryRate: { low: 20, high: 28 }, systolicBp: { low: 89, high: 112 }, diastolicBp: { low: 46, high: 72 }, temperatureC: temperature(36.0), spo2: SPO2 },
  },
  {
    // PALS "school-age child" (6–11 y) for heart and breathing rates; its blood pressure rows split at 10 years.
    band: 'schoolAge',
    fromYears: 6,
    ranges: { heartRate: { low: 75, high: 118 }, respiratoryRate: { low: 18, high: 25 }, systolicBp: { low: 97, high: 115 }, diastolicBp: { low: 57, high: 76 }, temperatureC: temperature(36.0), spo2: SPO2 },
  },
  {
    // PALS "preadolescent" blood pressure row (10–12 y); heart and breathing rates still the school-age row.
    band: 'preadolescent',
    fromYears: 10,
    ranges: { heartRate: { low: 75, high: 118 }, respiratoryRate: { low: 18, high: 25 }, systolicBp: { low: 102, high: 120 }, diastolicBp: { low: 61, high: 80 }, temperatureC: temperature(36.0), spo2: SPO2 },
  },
  {
    band: 'adolescent',
    fromYears: 12,
    ranges: { heartRate: { low: 60, high: 100 }, respiratoryRate: { low: 12, high: 20 }, systolicBp: { low: 110, high: 131 }, diastolicBp: { low: 64, high: 83 }, temperatureC: temperature(36.0), spo2: SPO2 },
  },
  {
    // PALS's adolescent rows end at 15 years; from 16 the adult ranges apply.
    band: 'adult',
    fromYears: 16,
    ranges: { heartRate: { low: 60, high: 100 }, respiratoryRate: { low: 12, high: 20 }, systolicBp: { low: 90, high: 139 }, diastolicBp: { low: 60, high: 89 }, temperatureC: temperature(36.0), spo2: SPO2 },
  },
];

// Ages arrive in years converted from days or months (28 / 365.25, 144 / 12): compare with a little slack so a
// boundary typed in another unit lands in the band it names.
const AGE_SLACK_YEARS = 1e-9;

/**
 * The age band of an age in years. An unknown age (not entered yet, unreadable) is judged as an adult, and every
 * text built from it says "adult", so the clinician knows which ranges are shown.
 */
export function ageBandOf(ageYears: number | undefined): AgeBand {
  return rowOf(ageYears).band;
}

function rowOf(ageYears: number | undefined): BandRow {
  const adult = TABLE[TABLE.length - 1] as BandRow;
  if (ageYears === undefined || !Number.isFinite(ageYears) || ageYears < 0) return adult;
  let found = TABLE[0] as BandRow;
  for (const row of TABLE) if (ageYears + AGE_SLACK_YEARS >= row.fromYears) found = row;
  return found;
}

/** The usual range of `vital` at `ageYears` (adult when the age is unknown). */
export function usualRange(vital: VitalName, ageYears: number | undefined): UsualRange {
  return rowOf(ageYears).ranges[vital];
}

/** Where a value sits against its usual range. */
export type VitalLevel = 'low' | 'usual' | 'high';

/** Low, usual or high for the age. */
export function vitalLevel(vital: VitalName, value: number, ageYears: number | undefined): VitalLevel {
  const range = usualRange(vital, ageYears);
  if (value < range.low) return 'low';
  if (value > range.high) return 'high';
  return 'usual';
}

/** Units as the form and the summary write them. */
export const VITAL_UNITS: Readonly<Record<VitalName, string>> = {
  heartRate: 'beats/min',
  systolicBp: 'mmHg',
  diastolicBp: 'mmHg',
  respiratoryRate: 'breaths/min',
  temperatureC: '°C',
  spo2: '%',
};

/** A °C temperature in °F, to 0.1 (what a thermometer shows). */
export function celsiusToFahrenheit(celsius: number): number {
  return Math.round(celsius * 18 + 320) / 10;
}

function numbers(vital: VitalName, range: UsualRange): string {
  return vital === 'temperatureC' ? `${range.low.toFixed(1)}–${range.high.toFixed(1)}` : `${range.low}–${range.high}`;
}

/**
 * The usual range as the clinician reads it, unit included: "80–120 beats/min", "36.0–37.9 °C (96.8–100.2 °F)".
 * Every message about a vital quotes this text, so a hint and a warning never disagree.
 */
export function usualRangeText(vital: VitalName, ageYears: number | undefined): string {
  const range = usualRange(vital, ageYears);
  const text = `${numbers(vital, range)} ${VITAL_UNITS[vital]}`;
  if (vital !== 'temperatureC') return text;
  return `${text} (${celsiusToFahrenheit(range.low).toFixed(1)}–${celsiusToFahrenheit(range.high).toFixed(1)} °F)`;
}

/** The usual range's numbers alone, for the compact summary line: "80–120". */
export function usualRangeNumbers(vital: VitalName, ageYears: number | undefined): string {
  return numbers(vital, usualRange(vital, ageYears));
}

/**
 * Age for people: infants in days or months, children and adults in years. The stored value is always years
 * (fractions for infants), which is what the form converts to.
 */
export function formatAge(ageYears: number): string {
  const days = Math.round(ageYears * DAYS_PER_YEAR);
  if (ageYears < 1 / 12) return `${days} day${days === 1 ? '' : 's'}`;
  if (ageYears < 2) {
    const months = Math.round(ageYears * 12);
    return `${months} month${months === 1 ? '' : 's'}`;
  }
  return `${Math.floor(ageYears)} years`;
}

/** The hint under a vital's field: "Usual at 3 years: 80–120 beats/min"; "Usual adult range: …" with no age. */
export function usualRangeHint(vital: VitalName, ageYears: number | undefined): string {
  const range = usualRangeText(vital, ageYears);
  return ageYears === undefined ? `Usual adult range: ${range}` : `Usual at ${formatAge(ageYears)}: ${range}`;
}

/** The mark on a field whose value is outside the usual range: "High for age 3 years — usual 80–120 beats/min". */
export function outsideRangeMessage(vital: VitalName, level: Exclude<VitalLevel, 'usual'>, ageYears: number | undefined): string {
  const direction = level === 'high' ? 'High' : 'Low';
  const age = ageYears === undefined ? 'an adult' : `age ${formatAge(ageYears)}`;
  return `${direction} for ${age} — usual ${usualRangeText(vital, ageYears)}`;
}
