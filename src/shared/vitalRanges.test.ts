import { describe, expect, it } from 'vitest';
import { vitalTypoWarning } from './plausibility';
import { ageBandOf, outsideRangeMessage, usualRange, usualRangeHint, usualRangeText, vitalLevel, type AgeBand } from './vitalRanges';

const days = (n: number) => n / 365.25;
const months = (n: number) => n / 12;

// The published rows (PALS 2020; adults as documented in docs/vital-ranges.md), written out again on purpose: a
// change to the table must be a change to this test too.
const EXPECTED: Record<AgeBand, { heartRate: [number, number]; respiratoryRate: [number, number]; systolicBp: [number, number] }> = {
  neonate: { heartRate: [100, 205], respiratoryRate: [30, 53], systolicBp: [67, 84] },
  infant: { heartRate: [100, 180], respiratoryRate: [30, 53], systolicBp: [72, 104] },
  toddler: { heartRate: [98, 140], respiratoryRate: [22, 37], systolicBp: [86, 106] },
  preschool: { heartRate: [80, 120], respiratoryRate: [20, 28], systolicBp: [89, 112] },
  schoolAge: { heartRate: [75, 118], respiratoryRate: [18, 25], systolicBp: [97, 115] },
  preadolescent: { heartRate: [75, 118], respiratoryRate: [18, 25], systolicBp: [102, 120] },
  adolescent: { heartRate: [60, 100], respiratoryRate: [12, 20], systolicBp: [110, 131] },
  adult: { heartRate: [60, 100], respiratoryRate: [12, 20], systolicBp: [90, 139] },
};

// Each boundary from both sides: the last age of the band below, then the first age of the band that owns it.
const BOUNDARIES: { name: string; below: [number, AgeBand]; at: [number, AgeBand] }[] = [
  { name: '28 days', below: [days(27), 'neonate'], at: [days(28), 'infant'] },
  { name: '1 year (in months)', below: [months(11), 'infant'], at: [months(12), 'toddler'] },
  { name: '1 year (in days)', below: [days(365), 'infant'], at: [1, 'toddler'] },
  { name: '3 years', below: [months(35), 'toddler'], at: [3, 'preschool'] },
  { name: '6 years', below: [months(71), 'preschool'], at: [6, 'schoolAge'] },
  { name: '10 years', below: [months(119), 'schoolAge'], at: [10, 'preadolescent'] },
  { name: '12 years', below: [months(143), 'preadolescent'], at: [12, 'adolescent'] },
  { name: '12 years (in months)', below: [11.99, 'preadolescent'], at: [months(144), 'adolescent'] },
  { name: '16 years', below: [months(191), 'adolescent'], at: [16, 'adult'] },
];

describe('usual ranges by age: every band boundary from both sides', () => {
  for (const { name, below, at } of BOUNDARIES) {
    it(`at ${name}`, () => {
      for (const [age, band] of [below, at]) {
        expect(ageBandOf(age)).toBe(band);
        for (const vital of ['heartRate', 'respiratoryRate', 'systolicBp'] as const) {
          const [low, high] = EXPECTED[band][vital];
          expect(usualRange(vital, age), `${vital} at ${age} years`).toEqual({ low, high });
        }
      }
    });
  }

  it('birth is a neonate, and an age not yet known is judged (and named) as an adult', () => {
    expect(ageBandOf(0)).toBe('neonate');
    expect(ageBandOf(undefined)).toBe('adult');
    expect(usualRangeHint('heartRate', undefined)).toBe('Usual adult range: 60–100 beats/min');
  });

  it('marks a value just outside each end, and not the ends themselves', () => {
    expect(vitalLevel('heartRate', 120, 3)).toBe('usual');
    expect(vitalLevel('heartRate', 121, 3)).toBe('high');
    expect(vitalLevel('heartRate', 80, 3)).toBe('usual');
    expect(vitalLevel('heartRate', 79, 3)).toBe('low');
  });
});

describe('temperature and SpO2', () => {
  it('fever is 38.0 °C at every age; hypothermia below 36.0 °C, below 36.5 °C in a neonate', () => {
    for (const age of [days(3), 0.5, 3, 40]) {
      expect(vitalLevel('temperatureC', 37.9, age)).toBe('usual');
      expect(vitalLevel('temperatureC', 38.0, age)).toBe('high');
    }
    expect(vitalLevel('temperatureC', 36.4, days(3))).toBe('low');
    expect(vitalLevel('temperatureC', 36.4, days(28))).toBe('usual');
    expect(vitalLevel('temperatureC', 35.9, 40)).toBe('low');
    expect(usualRangeText('temperatureC', 3)).toBe('36.0–37.9 °C (96.8–100.2 °F)');
    expect(usualRangeText('temperatureC', days(3))).toBe('36.5–37.9 °C (97.7–100.2 °F)');
  });

  it('SpO2 below 95 % is low at every age', () => {
    for (const age of [days(3), 0.5, 3, 14, 40]) {
      expect(vitalLevel('spo2', 95, age)).toBe('usual');
      expect(vitalLevel('spo2', 94, age)).toBe('low');
    }
  });
});

describe('the hint, the mark and the typo warning quote the same range', () => {
  it('the febrile 3-year-old: HR 185, RR 48, SpO2 88 %, 40.3 °C are all marked, with the 3-year-old’s ranges', () => {
    expect(usualRangeHint('heartRate', 3)).toBe('Usual at 3 years: 80–120 beats/min');
    expect(outsideRangeMessage('heartRate', vitalLevel('heartRate', 185, 3) as 'high', 3)).toBe('High for age 3 years — usual 80–120 beats/min');
    expect(vitalLevel('respiratoryRate', 48, 3)).toBe('high');
    expect(vitalLevel('spo2', 88, 3)).toBe('low');
    expect(vitalLevel('temperatureC', 40.3, 3)).toBe('high');
    expect(outsideRangeMessage('respiratoryRate', 'high', 3)).toBe('High for age 3 years — usual 20–28 breaths/min');
    expect(outsideRangeMessage('spo2', 'low', 3)).toBe('Low for age 3 years — usual 95–100 %');
  });

  it('an adult’s SpO2 94 % and HR 102 are marked', () => {
    expect(vitalLevel('spo2', 94, 40)).toBe('low');
    expect(vitalLevel('heartRate', 102, 40)).toBe('high');
    expect(outsideRangeMessage('heartRate', 'high', 40)).toBe('High for age 40 years — usual 60–100 beats/min');
  });

  it('a warning to confirm quotes the hint’s range, for every vital and age', () => {
    for (const age of [days(3), 0.5, 2, 4, 8, 11, 14, 40, undefined]) {
      for (const [vital, value] of [['heartRate', 340], ['respiratoryRate', 110], ['systolicBp', 20], ['diastolicBp', 10], ['temperatureC', 43], ['spo2', 50]] as const) {
        const warning = vitalTypoWarning(vital, value, age);
        expect(warning, `${vital} ${value} at ${age}`).toBeDefined();
        expect(warning?.message).toContain(`the usual ${usualRangeText(vital, age)}`);
        expect(usualRangeHint(vital, age)).toContain(usualRangeText(vital, age));
      }
    }
  });

  it('the typo limits follow the age: a neonate’s HR 200 and an infant’s 250 (SVT) are no typos; an adult’s 250 may be', () => {
    expect(vitalTypoWarning('heartRate', 200, days(3))).toBeUndefined();
    expect(vitalTypoWarning('heartRate', 250, 0.5)).toBeUndefined();
    expect(vitalTypoWarning('respiratoryRate', 70, days(3))).toBeUndefined();
    expect(vitalTypoWarning('systolicBp', 45, days(1))).toBeUndefined();
    expect(vitalTypoWarning('heartRate', 250, 40)?.message).toBe(
      'Heart rate 250 beats/min is far above the usual 60–100 beats/min at 40 years — is it a typo? Please confirm.',
    );
  });
});
