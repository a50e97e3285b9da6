import { describe, expect, it } from 'vitest';
import { checkNewPassphrase, checkProfileName, lockReasonText } from './authText';

describe('lockReasonText', () => {
  it('says why the app locked', () => {
    expect(lockReasonText('idle')).toBe('Locked after a period without activity.');
    expect(lockReasonText('os-lock')).toBe('Locked because the screen was locked.');
    expect(lockReasonText('manual')).toMatch(/Lock button/);
    expect(lockReasonText('removed')).toMatch(/removed/);
    expect(lockReasonText('switched')).toBe('Signed out because another clinician signed in.');
    expect(lockReasonText('start')).toBeNull();
    expect(lockReasonText(null)).toBeNull();
  });
});

describe('checkNewPassphrase', () => {
  it('asks for at least 12 characters, counted as people count them', () => {
    expect(checkNewPassphrase('short', 'short')).toMatch(/at least 12 characters/);
    expect(checkNewPassphrase('🙂'.repeat(11), '🙂'.repeat(11))).toMatch(/at least 12/);
    expect(checkNewPassphrase('🙂'.repeat(12), '🙂'.repeat(12))).toBeNull();
  });

  it('asks for the confirmation to match', () => {
    expect(checkNewPassphrase('a long enough phrase', 'a long enough phrasE')).toMatch(/do not match/);
    expect(checkNewPassphrase('a long enough phrase', 'a long enough phrase')).toBeNull();
  });
});

describe('checkProfileName', () => {
  it('wants a name of at most 80 characters', () => {
    expect(checkProfileName('   ')).toMatch(/enter your name/);
    expect(checkProfileName('x'.repeat(81))).toMatch(/80/);
    expect(checkProfileName(' Dr Ada ')).toBeNull();
  });
});
