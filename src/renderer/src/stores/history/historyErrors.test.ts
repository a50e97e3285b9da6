import { describe, expect, it } from 'vitest';
import { historyError, type HistoryAction } from './historyErrors';

const ACTIONS: HistoryAction[] = ['open', 'search', 'export', 'continue'];

describe('historyError', () => {
  it.each(ACTIONS)('says what the audit log has to do with it when main refuses to %s (AUDIT_UNAVAILABLE)', (action) => {
    const error = historyError({ code: 'AUDIT_UNAVAILABLE', message: 'audit.log: EIO' }, action);
    expect(error.code).toBe('AUDIT_UNAVAILABLE');
    expect(error.message).toMatch(/right now: the app cannot write its audit log, and stored patient records stay closed until it can/);
    expect(error.message).toMatch(/Try again in a few minutes; if it keeps happening, contact IT\.$/);
    expect(error.message).not.toContain('EIO');
  });

  it('names what failed its check (HISTORY_INTEGRITY), and what to do instead of continuing', () => {
    expect(historyError({ code: 'HISTORY_INTEGRITY', message: 'x' }, 'continue')).toEqual({
      code: 'HISTORY_INTEGRITY',
      message:
        'This session cannot be continued: the stored history failed an integrity check (part of it is missing, or older than the app ' +
        'last saved — restored from a backup, or altered). It can still be read; start a new session for this patient, and tell IT.',
    });
    expect(historyError({ code: 'HISTORY_INTEGRITY', message: 'x' }, 'export').message).toMatch(/^This session cannot be exported: .*Please tell IT\.$/);
  });

  it('passes any other error on as main said it', () => {
    const error = { code: 'LOCKED' as const, message: 'The app is locked.' };
    expect(historyError(error, 'search')).toBe(error);
  });
});
