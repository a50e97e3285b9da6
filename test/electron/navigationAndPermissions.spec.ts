import { expect, test } from '@playwright/test';
import { ELECTRON_SKIPPED, electronBinaryPath, withApp } from './support';

test.skip(electronBinaryPath() === null, ELECTRON_SKIPPED);

/** Origins the page tries to leave for: another site, and a look-alike of the app's own origin. */
const FOREIGN_URLS = ['https://example.com/', 'app://renderer.evil.example/index.html'];

test.describe('navigation and new windows (check 6)', () => {
  test('the page cannot navigate away from app://renderer, nor open a window', async () => {
    await withApp(async ({ electronApp, page }) => {
      // Main records every navigation attempt it is asked about, after the app's own handlers have run.
      await electronApp.evaluate(({ webContents }) => {
        const seen: string[] = [];
        Reflect.set(globalThis, '__cpaWillNavigate', seen);
        for (const contents of webContents.getAllWebContents()) contents.on('will-navigate', (event) => seen.push(event.url));
      });
      const navigationsSeen = (): Promise<string[]> => electronApp.evaluate(() => Reflect.get(globalThis, '__cpaWillNavigate') as string[]);
      // A marker on this document: if any navigation went through, the new document would not have it.
      await page.evaluate(() => Reflect.set(window, '__cpaSameDocument', true));

      for (const url of FOREIGN_URLS) {
        await page.evaluate((target) => {
          window.location.href = target;
        }, url);
        await expect.poll(navigationsSeen, { message: `main was asked about ${url}` }).toContain(url);
      }
      // Time for a navigation that was let through to replace the document (an unreachable target would be
      // replaced by Chromium's error page just the same).
      await page.waitForTimeout(1_000);
      expect(await page.evaluate(() => Reflect.get(window, '__cpaSameDocument'))).toBe(true);
      expect(page.url()).toMatch(/^app:\/\/renderer\//);

      const opened = await page.evaluate(() => {
        const results = [window.open('https://example.com/', '_blank'), window.open('/index.html', '_blank'), window.open('about:blank')];
        const link = document.createElement('a');
        link.href = 'https://example.com/';
        link.target = '_blank';
        document.body.append(link);
        link.click();
        link.remove();
        return results.map((result) => result === null);
      });
      expect(opened, 'window.open returned null every time').toEqual([true, true, true]);
      await page.waitForTimeout(500);
      expect(electronApp.windows()).toHaveLength(1);
      const windows = await electronApp.evaluate(({ BrowserWindow, webContents }) => ({
        urls: BrowserWindow.getAllWindows().map((window) => window.webContents.getURL()),
        contents: webContents.getAllWebContents().length,
      }));
      expect(windows.urls).toHaveLength(1);
      expect(windows.urls[0]).toMatch(/^app:\/\/renderer\//);
      expect(windows.contents).toBe(1);
    });
  });
});

test.describe('permissions (check 7)', () => {
  test('notifications, geolocation, camera and microphone are refused', async () => {
    // Fake capture devices, so getUserMedia reaches the permission decision instead of failing for want of a camera.
    await withApp(
      async ({ page }) => {
        const answers = await page.evaluate(async () => {
          const notificationRequest = await Notification.requestPermission();
          const geolocationQuery = (await navigator.permissions.query({ name: 'geolocation' })).state;
          const geolocation = await new Promise<number | 'position'>((resolve) => {
            navigator.geolocation.getCurrentPosition(
              () => resolve('position'),
              (error) => resolve(error.code),
              { timeout: 10_000 },
            );
          });
          let media: string;
          try {
            const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
            for (const track of stream.getTracks()) track.stop();
            media = 'stream';
          } catch (error) {
            media = error instanceof DOMException ? error.name : String(error);
          }
          return { notificationRequest, notificationPermission: Notification.permission, geolocationQuery, geolocation, media };
        });
        expect(answers).toEqual({
          notificationRequest: 'denied',
          notificationPermission: 'denied',
          geolocationQuery: 'denied',
          geolocation: 1, // GeolocationPositionError.PERMISSION_DENIED
          media: 'NotAllowedError',
        });
      },
      { extraArgs: ['--use-fake-device-for-media-stream'] },
    );
  });
});
