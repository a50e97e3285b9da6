import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './commandLine';
import { APP_RUNNING_EXIT_CODE, launchDecision, lockRequestData, printRefusal, shouldComeForward } from './runningInstance';

const EXE = 'C:\\Program Files\\Clinic Protocol Assistant\\Clinic Protocol Assistant.exe';
const PROFILE = '0f8c2a4e-1b3d-4c5e-8f7a-9b0c1d2e3f4a';
const removal = parseCommandLine([EXE, '--remove-profile', PROFILE]);
const recovery = parseCommandLine([EXE, '--recover-profile', PROFILE, '--recovery-key', 'D:\\keys\\recovery.pem']);
const clinicianStart = parseCommandLine([EXE, '--no-sandbox']);

describe('an IT command while the app is running', () => {
  it.each([
    ['--remove-profile', removal],
    ['--recover-profile', recovery],
  ])('%s is refused with one line and exit code 75, not a silent exit 0', async (_name, commandLine) => {
    const decision = launchDecision(commandLine, false);
    expect(decision).toMatchObject({ kind: 'refuse-it-command', exitCode: APP_RUNNING_EXIT_CODE });
    let printed = '';
    const stderr = {
      write(text: string, callback: (error?: Error | null) => void) {
        printed += text;
        callback();
      },
    };
    expect(await printRefusal(decision as Extract<typeof decision, { kind: 'refuse-it-command' }>, stderr)).toBe(75);
    expect(printed).toBe(
      'Clinic Protocol Assistant is running on this workstation (in this OS account): close it for every clinician, then run the command again.\n',
    );
  });

  it('runs when this start holds the lock', () => {
    expect(launchDecision(removal, true)).toEqual({ kind: 'run' });
    expect(launchDecision(recovery, true)).toEqual({ kind: 'run' });
  });

  it('does not bring the running app forward on the clinician screen', () => {
    expect(shouldComeForward(lockRequestData(removal))).toBe(false);
    expect(shouldComeForward(lockRequestData(recovery))).toBe(false);
  });
});

describe('a clinician starting the app again', () => {
  it('hands over to the running app, which comes forward', () => {
    expect(launchDecision(clinicianStart, false)).toEqual({ kind: 'hand-over' });
    expect(shouldComeForward(lockRequestData(clinicianStart))).toBe(true);
    // A start from an older version sends no data: it is a clinician's start.
    expect(shouldComeForward(undefined)).toBe(true);
    expect(shouldComeForward(null)).toBe(true);
  });

  it('opens the app when it holds the lock', () => {
    expect(launchDecision(clinicianStart, true)).toEqual({ kind: 'run' });
  });
});
