import { describe, expect, it } from 'vitest';
import { checkClinicSignIn, checkNewPassphrase, checkProfileName, lockReasonText } from './authText';

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

describe('checkClinicSignIn', () => {
  it('asks for the name first, then the passphrase, and says which box to go back to', () => {
    expect(checkClinicSignIn('  ', '')).toEqual({ message: 'Please enter your name.', field: 'name' });
    expect(checkClinicSignIn('Dr Clinic', '')).toEqual({ message: 'Please type your passphrase.', field: 'passphrase' });
    expect(checkClinicSignIn('Dr Clinic', 'x'.repeat(1_025))).toMatchObject({ field: 'passphrase' });
  });

  it('lets any existing passphrase through (the rules for new ones are not asked again)', () => {
    expect(checkClinicSignIn('Dr Clinic', 'short')).toBeNull();
  });
});
