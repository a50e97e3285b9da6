import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { ConfigError } from '../core/configError';
import { MAX_LISTED_PROBLEMS, startupErrorReport, startupErrorText } from './startupError';

describe('start-up error report', () => {
  it('lists every problem of an invalid policy, one per line, with advice for IT', () => {
    const report = startupErrorReport(new ConfigError(['policy /etc/p.json: temperature: Too big', 'policy /etc/p.json: colour: unknown setting']));
    expect(report.title).toContain('configuration is invalid');
    const text = startupErrorText(report);
    expect(text.split('\n').slice(0, 2)).toEqual(['• policy /etc/p.json: temperature: Too big', '• policy /etc/p.json: colour: unknown setting']);
    expect(text).toContain('--validate-policy');
  });

  it('caps a long list and says how many more', () => {
    const problems = Array.from({ length: MAX_LISTED_PROBLEMS + 3 }, (_, n) => `policy p: key${n}: unknown setting`);
    const report = startupErrorReport(new ConfigError(problems));
    expect(report.problems).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(report.problems.at(-1)).toBe('… and 3 more');
  });

  it('never shows the message of an unexpected error (it may quote input)', () => {
    expect(startupErrorReport(new Error('patient Jane Doe')).problems.join()).not.toContain('Jane');
    expect(startupErrorReport(new AppError('INTERNAL', 'The key store is unavailable.')).problems).toEqual(['The key store is unavailable.']);
  });
});
