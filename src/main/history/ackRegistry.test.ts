import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/testClock';
import { AckRegistry } from './ackRegistry';

const RECORD = '11111111-1111-4111-8111-111111111111';

describe('AckRegistry', () => {
  it('resolves with the page’s answer, only from the page the record went to', async () => {
    const acks = new AckRegistry(new TestClock());
    const waiting = acks.expect(RECORD, 'page-1', 5_000);
    expect(acks.receive({ recordId: RECORD, stored: true }, 'page-2')).toBe(false);
    expect(acks.receive({ recordId: RECORD, stored: true }, 'page-1')).toBe(true);
    await expect(waiting).resolves.toEqual({ stored: true });
  });

  it('passes on a storage failure', async () => {
    const acks = new AckRegistry(new TestClock());
    const waiting = acks.expect(RECORD, 'page-1', 5_000);
    acks.receive({ recordId: RECORD, stored: false, code: 'STORAGE_FULL', message: 'The disk is full.' }, 'page-1');
    await expect(waiting).resolves.toEqual({ stored: false, code: 'STORAGE_FULL', message: 'The disk is full.' });
  });

  it('stops waiting at the bound', async () => {
    const clock = new TestClock();
    const acks = new AckRegistry(clock);
    const waiting = acks.expect(RECORD, 'page-1', 5_000);
    clock.advance(5_000);
    await expect(waiting).resolves.toMatchObject({ stored: false, code: 'NO_ACK' });
    expect(acks.receive({ recordId: RECORD, stored: true }, 'page-1')).toBe(false);
  });

  it('a page that is gone is told apart from one that did not answer in time (the record never arrived)', async () => {
    const acks = new AckRegistry(new TestClock());
    const waiting = acks.expect(RECORD, 'page-1', 5_000);
    acks.giveUp(RECORD, 'The page is gone.');
    await expect(waiting).resolves.toEqual({ stored: false, code: 'NO_PAGE', message: 'The page is gone.' });
  });
});
