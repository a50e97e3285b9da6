import { afterEach, beforeEach } from 'vitest';
import type { PowerSignals } from '../../src/main/core/platformInterfaces';
import type { SettingsLayer } from '../../src/shared/settings';
import type { FakeSecretStorage } from '../fakes/fakeSecretStorage';
import { startFakeLlmServer, type FakeLlmServer } from '../fakes/fakeLlmServer';
import { startMainForTests, type MainForTests } from './mainForTests';
import { sequentialIds, TestClock } from './testClock';

/** What each test of a {@link mainTestBed} gets: main signed in, the fake model server, and main's test clock. */
export interface MainTestBed {
  readonly main: MainForTests;
  readonly server: FakeLlmServer;
  readonly clock: TestClock;
}

/**
 * Registers, for the enclosing test file or `describe`, a fresh fake model server and a fresh main (a clinician
 * signed in, a test clock) before each test, and closes both after it. Read the fields inside tests only.
 */
export function mainTestBed(options: { settings?: SettingsLayer; power?: PowerSignals; secretStorage?: () => FakeSecretStorage } = {}): MainTestBed {
  let current: MainTestBed | null = null;
  beforeEach(async () => {
    const server = await startFakeLlmServer();
    const clock = new TestClock();
    const main = await startMainForTests({
      llmBaseUrl: server.baseURL,
      clock,
      newId: sequentialIds(),
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.power ? { power: options.power } : {}),
      ...(options.secretStorage ? { secretStorage: options.secretStorage() } : {}),
    });
    current = { main, server, clock };
  });
  afterEach(async () => {
    await current?.main.close();
    await current?.server.close();
    current = null;
  });
  const bed = (): MainTestBed => {
    if (!current) throw new Error('mainTestBed: read it inside a test');
    return current;
  };
  return {
    get main() {
      return bed().main;
    },
    get server() {
      return bed().server;
    },
    get clock() {
      return bed().clock;
    },
  };
}
