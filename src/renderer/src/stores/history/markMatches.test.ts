import { describe, expect, it } from 'vitest';
import { markMatches } from './markMatches';
import { patientLine } from './patientLine';

describe('markMatches', () => {
  it('marks the start of each word a query word begins, case-insensitively', () => {
    expect(markMatches('Allergies: Penicillin (rash)', 'penic')).toEqual([
      { text: 'Allergies: ', match: false },
      { text: 'Penic', match: true },
      { text: 'illin (rash)', match: false },
    ]);
  });

  it('marks a number only where the same number stands', () => {
    expect(markMatches('3 years old; 30 years ago', '3 years').filter((part) => part.match).map((part) => part.text)).toEqual(['3', 'years', 'years']);
  });

  it('leaves a text without a match whole', () => {
    expect(markMatches('Start oxygen', 'metformin')).toEqual([{ text: 'Start oxygen', match: false }]);
  });
});

describe('patientLine', () => {
  it('says age and sex short, as the list shows them', () => {
    expect(patientLine({ age: 3, sex: 'female' })).toBe('3 y · F');
    expect(patientLine({ age: 0.5, sex: 'male' })).toBe('6 mo · M');
    expect(patientLine({ age: 10 / 365.25, sex: 'unknown' })).toBe('10 d · sex unknown');
  });
});
