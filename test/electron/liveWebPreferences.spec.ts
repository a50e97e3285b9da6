import { expect, test } from '@playwright/test';
import { eventMemberName } from '../../src/shared/api';
import { EVENT_NAMES, OPERATION_NAMES } from '../../src/shared/channels';
import { ELECTRON_SKIPPED, electronBinaryPath, withApp } from './support';

test.skip(electronBinaryPath() === null, ELECTRON_SKIPPED);

/** `window.api` as the contract defines it: per domain, its operations' verbs and its events' `on…` names, sorted. */
function contractShape(): Record<string, string[]> {
  const shape: Record<string, string[]> = {};
  const add = (name: string, member: string): void => {
    (shape[name.slice(0, name.indexOf('.'))] ??= []).push(member);
  };
  for (const name of OPERATION_NAMES) add(name, name.slice(name.indexOf('.') + 1));
  for (const name of EVENT_NAMES) add(name, eventMemberName(name.slice(name.indexOf('.') + 1)));
  for (const members of Object.values(shape)) members.sort();
  return shape;
}

test.describe('live web preferences (check 2)', () => {
  test('the running window is isolated and sandboxed with Node off, and the page sees only window.api, frozen and exactly the contract', async () => {
    await withApp(async ({ electronApp, page, pageProblems }) => {
      await test.step('main: the web preferences Electron actually applied, for every web contents', async () => {
        const live = await electronApp.evaluate(({ BrowserWindow, webContents }) => ({
          windows: BrowserWindow.getAllWindows().length,
          contents: webContents.getAllWebContents().map((contents) => {
            // Undocumented but long-standing: what Electron applied, not what the factory asked for.
            const getLast: unknown = Reflect.get(contents, 'getLastWebPreferences');
            if (typeof getLast !== 'function') throw new Error('this Electron has no webContents.getLastWebPreferences()');
            return { url: contents.getURL(), preferences: Reflect.apply(getLast, contents, []) as Record<string, unknown> | null };
          }),
        }));
        expect(live.windows).toBe(1);
        expect(live.contents).toHaveLength(1);
        for (const { url, preferences } of live.contents) {
          expect(url).toMatch(/^app:\/\/renderer\//);
          expect(preferences, `web preferences of ${url}`).toMatchObject({
            contextIsolation: true,
            sandbox: true,
            nodeIntegration: false,
            nodeIntegrationInSubFrames: false,
            webSecurity: true,
            webviewTag: false,
            allowRunningInsecureContent: false,
            experimentalFeatures: false,
          });
        }
      });

      await test.step('page: no Node globals, no Electron objects', async () => {
        const globals = await page.evaluate(() => ({
          require: typeof require,
          process: typeof process,
          module: typeof module,
          ipcRenderer: 'ipcRenderer' in window,
          electron: 'electron' in window,
        }));
        expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', ipcRenderer: false, electron: false });
      });

      await test.step('page: window.api is frozen, functions only, and has exactly the contract’s domains and members', async () => {
        const api = await page.evaluate(() => {
          const exposed = (window as unknown as { api?: Record<string, Record<string, unknown>> }).api;
          if (exposed === undefined) return null;
          const domains: Record<string, { frozen: boolean; members: string[]; functionsOnly: boolean }> = {};
          for (const [domain, members] of Object.entries(exposed)) {
            domains[domain] = {
              frozen: Object.isFrozen(members),
              members: Object.keys(members).sort(),
              functionsOnly: Object.values(members).every((member) => typeof member === 'function'),
            };
          }
          // A page script trying to swap an operation: it must not take.
          const original = exposed.protocol?.generate;
          try {
            Reflect.set(exposed.protocol ?? {}, 'generate', () => 'hijacked');
          } catch {
            // Frozen objects throw in strict code; either way nothing may change.
          }
          return { frozen: Object.isFrozen(exposed), domains, swapHeld: exposed.protocol?.generate !== original };
        });
        expect(api, 'window.api exists').not.toBeNull();
        expect(api!.frozen).toBe(true);
        expect(api!.swapHeld).toBe(false);
        const expected = contractShape();
        expect(Object.keys(api!.domains).sort()).toEqual(Object.keys(expected).sort());
        for (const [domain, shape] of Object.entries(api!.domains)) {
          expect(shape, `window.api.${domain}`).toEqual({ frozen: true, members: expected[domain], functionsOnly: true });
        }
      });

      expect(pageProblems, 'the page logged no errors').toEqual([]);
    });
  });
});
