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
});
