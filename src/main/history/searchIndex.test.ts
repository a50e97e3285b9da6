import { describe, expect, it } from 'vitest';
import { SearchIndex } from './searchIndex';

describe('SearchIndex', () => {
  it('finds sessions by word prefixes, every word required, with a snippet', () => {
    const index = new SearchIndex();
    index.add('s1', 'Fever and productive cough for 3 days');
    index.add('s1', 'Chest X-ray shows bilateral infiltrates');
    index.add('s2', 'Crushing substernal chest pain');
    expect(index.search('chest').map((hit) => hit.sessionId).sort()).toEqual(['s1', 's2']);
    expect(index.search('chest infiltr')).toEqual([{ sessionId: 's1', snippet: 'Chest X-ray shows bilateral infiltrates' }]);
    expect(index.search('pneumothorax')).toEqual([]);
  });

  it('forgets a removed session and everything on clear (lock)', () => {
    const index = new SearchIndex();
    index.add('s1', 'Sepsis, lactate 4.5');
    index.add('s2', 'Sepsis, E. coli in blood cultures');
    index.remove('s1');
    expect(index.search('sepsis').map((hit) => hit.sessionId)).toEqual(['s2']);
    index.clear();
    expect(index.search('sepsis')).toEqual([]);
    expect(index.sessionCount).toBe(0);
  });

  it("a hit's excerpt is the text that matched most of the query, never the title the list already shows", () => {
    const index = new SearchIndex();
    index.add('s1', 'Fever and fast breathing', { title: true });
    index.add('s1', 'Allergies: Penicillin (rash)');
    index.add('s1', 'Start amoxicillin unless penicillin allergy is confirmed; oxygen for fever.');
    expect(index.search('penicillin')).toEqual([{ sessionId: 's1', snippet: 'Allergies: Penicillin (rash)' }]);
    expect(index.search('oxygen fever')[0]!.snippet).toBe('Start amoxicillin unless penicillin allergy is confirmed; oxygen for fever.');
    // Only the title matched: no excerpt (the row shows the title, marked).
    expect(index.search('breathing')).toEqual([{ sessionId: 's1', snippet: '' }]);
  });

  it('a number in the query is a word of its own, matched whole: "3 years" is not "30 years"', () => {
    const index = new SearchIndex();
    index.add('child', '3 years old, female');
    index.add('adult', '30 years old, female');
    index.add('man', '3 years old, male');
    expect(index.search('3 years').map((hit) => hit.sessionId).sort()).toEqual(['child', 'man']);
    expect(index.search('3 years female').map((hit) => hit.sessionId)).toEqual(['child']);
    expect(index.search('male').map((hit) => hit.sessionId)).toEqual(['man']);
  });
});
