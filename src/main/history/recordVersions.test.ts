import { describe, expect, it } from 'vitest';
import { SessionRecordVersions } from './recordVersions';

const S = 'session-1';

describe('record version counters of a live session', () => {
  it('counts each record’s versions from 1 and lists every committed turn in the manifest, in seq order', () => {
    const versions = new SessionRecordVersions(S);
    expect(versions.nextTurn('t2', 2)).toBe(1);
    expect(versions.nextTurn('t1', 1)).toBe(1);
    expect(versions.nextSession()).toBe(1);
    expect(versions.manifest()).toEqual([
      { id: 't1', seq: 1, rv: 1 },
      { id: 't2', seq: 2, rv: 1 },
    ]);
    versions.commit();
    expect(versions.sessionVersion).toBe(1);
    expect(versions.nextTurn('t1', 1)).toBe(2);
    expect(versions.nextSession()).toBe(2);
    expect(versions.manifest()).toEqual([
      { id: 't1', seq: 1, rv: 2 },
      { id: 't2', seq: 2, rv: 1 },
    ]);
  });

  it('a discarded delivery is not listed, and its counters are never handed out again', () => {
    const versions = new SessionRecordVersions(S);
    versions.nextTurn('t1', 1);
    versions.nextSession();
    versions.discard();
    expect(versions.manifest()).toEqual([]);
    expect(versions.sessionVersion).toBe(0);
    expect(versions.nextTurn('t1', 1)).toBe(2);
    expect(versions.nextSession()).toBe(2);
  });

  it('goes on from a resumed session’s manifest, v1 records (rv 0) included', () => {
    const versions = new SessionRecordVersions(S, 5, [
      { id: 't1', seq: 1, rv: 0 },
      { id: 't2', seq: 2, rv: 3 },
    ]);
    expect(versions.nextTurn('t1', 1)).toBe(1);
    expect(versions.nextTurn('t2', 2)).toBe(4);
    expect(versions.nextSession()).toBe(6);
  });
});
