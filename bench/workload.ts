/**
 * The seeded clinical workload: patients, follow-up messages and protocol answers built from a vocabulary of
 * clinical phrases. Everything is a pure function of a seed and an index, so every measurement (and the
 * LangChain side of every comparison) can rebuild exactly the same text without keeping a copy alive.
 *
 * Text is ASCII only: V8 then stores it one byte per character, which lets the memory measurement compare heap
 * bytes with the plain sum of string lengths.
 */
import type { Patient } from '../src/shared/patient';
import { deriveSeed, intBetween, mulberry32, pick, type Random } from './prng';

/** How long generated texts are: a base length in characters, varied uniformly by ±`spread`. */
export interface TextSizes {
  readonly userChars: number;
  readonly answerChars: number;
  /** 0.3 means each text's target length is drawn from [0.7, 1.3] × its base. */
  readonly spread: number;
}

/** The brief's conversation: a clinician's follow-up of ~300 characters, a protocol answer of ~800. */
export const STANDARD_SIZES: TextSizes = { userChars: 300, answerChars: 800, spread: 0.3 };

/**
 * Long exchanges for the "every turn trims" comparison: ~500 tokens a turn, so 40 turns are about three times an
 * 8k context's prompt budget and even the most recent half-budget block forces a trim.
 */
export const LONG_SIZES: TextSizes = { userChars: 400, answerChars: 1_600, spread: 0.3 };

/** One finished exchange of a conversation. */
export interface Exchange {
  readonly userText: string;
  readonly answerText: string;
}

/** A session as the workload scripts it: who the patient is and what was said so far. */
export interface SessionScript {
  readonly patient: Patient;
  readonly exchanges: readonly Exchange[];
}

const COMPLAINTS = [
  'fever and productive cough for 3 days',
  'crushing substernal chest pain radiating to the left arm',
  'shortness of breath and bilateral leg swelling',
  'confusion and low blood pressure',
  'abdominal pain with vomiting',
  'fever, dysuria and flank pain',
  'sudden onset headache and neck stiffness',
  'palpitations and dizziness',
] as const;

const HISTORIES = [
  'type 2 diabetes, hypertension',
  'COPD on home inhaler, former smoker',
  'chronic kidney disease stage 3',
  'heart failure with reduced ejection fraction',
  'no significant past medical history',
  'atrial fibrillation on apixaban',
] as const;

const FINDINGS = ['bilateral infiltrates', 'right lower lobe consolidation', 'small left pleural effusion', 'no acute findings', 'pulmonary edema'] as const;
const ORGANISMS = ['E. coli', 'Klebsiella pneumoniae', 'Staphylococcus aureus', 'Streptococcus pneumoniae'] as const;
const OXYGEN = ['room air', '2 L/min nasal cannula', '6 L/min via face mask', 'high-flow nasal oxygen'] as const;
const ECGS = ['sinus tachycardia', 'ST depression in V4-V6', 'new left bundle branch block', 'atrial fibrillation with rapid ventricular response'] as const;
const SYMPTOMS = ['Worsening cough', 'Rigors', 'New confusion', 'Pleuritic chest pain', 'Reduced urine output', 'Diarrhea'] as const;
const QUESTIONS = [
  'What should we do next?',
  'Should we escalate care?',
  'Do we need an ICU consult now?',
  'Which antibiotics would you adjust?',
  'Is this consistent with sepsis?',
  'What monitoring do you suggest?',
] as const;

const DRUGS = [
  ['ceftriaxone', '2 g IV once daily'],
  ['piperacillin-tazobactam', '4.5 g IV every 6 hours'],
  ['azithromycin', '500 mg IV once daily'],
  ['vancomycin', '15-20 mg/kg IV every 12 hours, dosed to trough levels'],
  ['aspirin', '300 mg orally once'],
  ['enoxaparin', '1 mg/kg subcutaneously every 12 hours'],
  ['furosemide', '40 mg IV, then reassess urine output'],
] as const;
const TESTS = [
  'two sets of blood cultures before antibiotics',
  'a repeat lactate within 2 hours',
  'CBC, CMP, CRP and procalcitonin',
  'an arterial blood gas',
  'serial troponins at 0 and 3 hours',
  'a 12-lead ECG',
  'urinalysis and urine culture',
  'a portable chest X-ray',
] as const;
const SERVICES = ['critical care', 'cardiology', 'infectious diseases', 'nephrology', 'the rapid response team'] as const;
const DIAGNOSES = ['community-acquired pneumonia', 'septic shock', 'acute coronary syndrome', 'pulmonary embolism', 'acute kidney injury'] as const;

/** A follow-up's sentences: new findings, vitals and a question, as a clinician types them. */
const USER_SENTENCES: readonly ((random: Random) => string)[] = [
  (r) => `Temperature now ${intBetween(r, 36, 40)}.${intBetween(r, 0, 9)} C, HR ${intBetween(r, 60, 140)}/min, BP ${intBetween(r, 80, 160)}/${intBetween(r, 40, 95)} mmHg.`,
  (r) => `SpO2 ${intBetween(r, 82, 99)}% on ${pick(r, OXYGEN)}, RR ${intBetween(r, 12, 34)}/min.`,
  (r) => `Chest X-ray shows ${pick(r, FINDINGS)}.`,
  (r) => `Lactate ${intBetween(r, 1, 6)}.${intBetween(r, 0, 9)} mmol/L after ${intBetween(r, 1, 3)} L of crystalloid.`,
  (r) => `Blood cultures grow ${pick(r, ORGANISMS)}.`,
  (r) => `${pick(r, SYMPTOMS)} since ${intBetween(r, 1, 12)} hours ago.`,
  (r) => `Also has ${pick(r, HISTORIES)}.`,
  (r) => `CBC: WBC ${intBetween(r, 3, 25)}.${intBetween(r, 0, 9)} x10^9/L, Hb ${intBetween(r, 7, 16)} g/dL, platelets ${intBetween(r, 40, 400)} x10^9/L.`,
  (r) => `Creatinine ${intBetween(r, 0, 4)}.${intBetween(r, 1, 9)} mg/dL, urine output ${intBetween(r, 5, 80)} mL/h.`,
  (r) => `Troponin ${intBetween(r, 3, 900)} ng/L, ECG shows ${pick(r, ECGS)}.`,
  (r) => pick(r, QUESTIONS),
];

/** A protocol answer's steps: orders, doses, monitoring and escalation criteria. */
const ANSWER_SENTENCES: readonly ((random: Random) => string)[] = [
  (r) => {
    const [drug, dose] = pick(r, DRUGS);
    return `Start ${drug} ${dose}.`;
  },
  (r) => `Obtain ${pick(r, TESTS)}.`,
  (r) => `Titrate oxygen to a target SpO2 of ${intBetween(r, 88, 92)}-${intBetween(r, 94, 96)}%.`,
  (r) => `Give a ${intBetween(r, 10, 30)} mL/kg crystalloid bolus and reassess perfusion after each 500 mL.`,
  (r) => `Monitor vital signs every ${pick(r, [15, 30, 60])} minutes and record fluid balance hourly.`,
  (r) => `Consult ${pick(r, SERVICES)} if there is no improvement within ${intBetween(r, 1, 6)} hours.`,
  () => 'If MAP stays below 65 mmHg despite fluids, start norepinephrine 0.05 mcg/kg/min via central access.',
  (r) => `Reassess for ${pick(r, DIAGNOSES)} and document the sepsis screen.`,
  (r) => `Repeat lactate in ${intBetween(r, 2, 4)} hours; aim for a clearance of at least 10%.`,
  (r) => `Review antibiotics at ${pick(r, [48, 72])} hours against culture results and narrow the spectrum.`,
  () => 'Escalate to the ICU team for SpO2 below 90% on high-flow oxygen or rising work of breathing.',
  () => 'This protocol supports, and does not replace, the treating clinician\'s judgement.',
];

/**
 * Text of about `baseChars` (±`spread`) made of whole sentences. Built as one `join`, which yields a flat
 * sequential string: concatenating with `+` would leave rope (cons) strings whose heap size is not their length,
 * and slicing a longer text would keep the longer parent alive.
 */
function clinicalText(random: Random, sentences: readonly ((random: Random) => string)[], baseChars: number, spread: number): string {
  const target = baseChars * (1 - spread + 2 * spread * random());
  const parts: string[] = [];
  let length = -1;
  // Stop when the text is within half an average sentence of the target, so lengths centre on it.
  while (length < target - 30) {
    const sentence = pick(random, sentences)(random);
    parts.push(sentence);
    length += sentence.length + 1;
  }
  return parts.join(' ');
}

/** A clinician's follow-up message. */
export function userMessage(random: Random, sizes: TextSizes): string {
  return clinicalText(random, USER_SENTENCES, sizes.userChars, sizes.spread);
}

/** A protocol answer: orders, doses, monitoring and escalation criteria. */
export function answerMessage(random: Random, sizes: TextSizes): string {
  return clinicalText(random, ANSWER_SENTENCES, sizes.answerChars, sizes.spread);
}

/** A plausible adult patient that passes the app's `Patient` schema. */
export function clinicalPatient(random: Random): Patient {
  const systolic = intBetween(random, 85, 170);
  return {
    age: intBetween(random, 18, 95),
    sex: pick(random, ['female', 'male'] as const),
    chiefComplaint: pick(random, COMPLAINTS),
    weightKg: intBetween(random, 45, 130),
    vitals: {
      heartRate: intBetween(random, 55, 140),
      systolicBp: systolic,
      diastolicBp: intBetween(random, 40, Math.min(100, systolic - 20)),
      respiratoryRate: intBetween(random, 12, 32),
      temperatureC: intBetween(random, 360, 403) / 10,
      spo2: intBetween(random, 84, 99),
    },
    allergies: pick(random, ['none known', 'penicillin (rash)', 'sulfonamides']),
    pastMedicalHistory: pick(random, HISTORIES),
  };
}

/** Session `index` of the workload seeded by `seed`: its patient and `turns` finished exchanges. */
export function sessionScript(seed: number, index: number, turns: number, sizes: TextSizes): SessionScript {
  const random = mulberry32(deriveSeed(seed, index));
  const patient = clinicalPatient(random);
  const exchanges: Exchange[] = [];
  for (let turn = 0; turn < turns; turn += 1) {
    exchanges.push({ userText: userMessage(random, sizes), answerText: answerMessage(random, sizes) });
  }
  return { patient, exchanges };
}

/** Characters of history text in a script: what "history text bytes" means for ASCII text. */
export function historyChars(script: SessionScript): number {
  let chars = 0;
  for (const exchange of script.exchanges) chars += exchange.userText.length + exchange.answerText.length;
  return chars;
}
