import { describe, expect, it } from 'vitest';
import { relateManifests, unionOfManifests } from './manifestMerge';

const first = { id: '00000000-0000-4000-8000-000000000001', seq: 1, rv: 2 };
const onA = { id: '00000000-0000-4000-8000-00000000000a', seq: 2, rv: 1 };
const onB = { id: '00000000-0000-4000-8000-00000000000b', seq: 2, rv: 2 };

describe('manifests of one session from two workstations', () => {
  it('diverge when each lists a turn the other lacks, and their union keeps every turn', () => {
    expect(relateManifests([first, onA], [first, onB])).toBe('diverged');
    expect(unionOfManifests([first, onA], [first, onB])).toEqual([first, onA, onB]);
  });

  it('do not diverge when one lists all of the other: the newer simply stands', () => {
    expect(relateManifests([first], [first, onB])).toBe('remote-covers');
    expect(relateManifests([first, onA], [first])).toBe('local-covers');
    expect(relateManifests([first, onA], [first, onA])).toBe('remote-covers');
  });

  it('diverge on a newer version of a shared turn, and the union takes the higher version', () => {
    const answered = { ...onA, rv: 3 };
    expect(relateManifests([first, answered], [first, onA, onB])).toBe('diverged');
    expect(unionOfManifests([first, answered], [first, onA, onB])).toEqual([first, answered, onB]);
  });

  it('give the same union whichever side merges, so two workstations merging at once see nothing more to merge', () => {
    const onAsSide = unionOfManifests([first, onA], [first, onB]);
    const onBsSide = unionOfManifests([first, onB], [first, onA]);
    expect(onAsSide).toEqual(onBsSide);
    expect(relateManifests(onAsSide, onBsSide)).toBe('remote-covers');
  });
});
