import { describe, expect, it } from 'vitest';
import { MAX_SESSION_IDS_PER_EVENT, type SessionsRemovedEvent } from '../../shared/sessionsRemoved';
import { SessionsRemovedNotifier } from './sessionsRemovedNotifier';

const ID = (n: number): string => `3f2b8c1e-9d4a-4b7e-8f1a-${String(n).padStart(12, '0')}`;

describe('SessionsRemovedNotifier', () => {
  it('tells only while the sessions’ clinician is signed in: one who locked or was switched out meanwhile is never told', () => {
    let signedIn: string | null = 'clinician-a';
    const heard: SessionsRemovedEvent[] = [];
    const notifier = new SessionsRemovedNotifier((profileId) => profileId === signedIn);
    notifier.on((event) => heard.push(event));

    notifier.notify('clinician-a', [ID(1)], 'deleted-elsewhere');
    notifier.notify('clinician-b', [ID(2)], 'retention');
    signedIn = null;
    notifier.notify('clinician-a', [ID(3)], 'retention');
    notifier.notify('clinician-a', [], 'retention');

    expect(heard).toEqual([{ profileId: 'clinician-a', sessionIds: [ID(1)], reason: 'deleted-elsewhere' }]);
  });

  it('splits a large removal into events the contract accepts', () => {
    const heard: SessionsRemovedEvent[] = [];
    const notifier = new SessionsRemovedNotifier(() => true);
    notifier.on((event) => heard.push(event));
    notifier.notify('clinician-a', Array.from({ length: MAX_SESSION_IDS_PER_EVENT + 1 }, (_, n) => ID(n)), 'retention');
    expect(heard.map((event) => event.sessionIds.length)).toEqual([MAX_SESSION_IDS_PER_EVENT, 1]);
  });
});
