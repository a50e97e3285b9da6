import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { expect, fillFeverPatient, requestsNotFromMain, test } from './fixtures';

/** Opens a WebSocket to the harness with the given headers and reports how the upgrade ended. */
function tryConnect(url: string, options: { origin?: string; protocols?: string[]; host?: string }): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, options.protocols ?? [], {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.host ? { headers: { Host: options.host } } : {}),
    });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
    socket.on('error', (error) => resolve(`error: ${error.message}`));
  });
}

test.describe('the harness transport refuses strangers (check 4)', () => {
  test('a client without the secret, with a wrong secret, from another origin or Host is refused', async ({ harness }) => {
    const url = `ws://127.0.0.1:${harness.port}/ipc`;
    expect(await tryConnect(url, { origin: harness.origin, protocols: [`cpa.${harness.secret}`] })).toBe('open');
    expect(await tryConnect(url, { origin: harness.origin })).toBe('401');
    expect(await tryConnect(url, { origin: harness.origin, protocols: ['cpa.0000'] })).toBe('401');
    expect(await tryConnect(url, { origin: 'http://evil.example', protocols: [`cpa.${harness.secret}`] })).toBe('403');
    expect(await tryConnect(url, { origin: harness.origin, protocols: [`cpa.${harness.secret}`], host: 'evil.example' })).toBe('403');
  });

  test('pages are not served under a foreign Host (DNS rebinding)', async ({ harness }) => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: harness.port, path: '/', headers: { Host: 'rebound.example' } }, (response) =>
        resolve(response.statusCode ?? 0),
      );
      request.on('error', reject);
      request.end();
    });
    expect(status).toBe(403);
  });

  test('a page from another origin cannot reach the app, even knowing the secret', async ({ browser, harness, llm }) => {
    const page = await browser.newPage();
    // localhost is another origin than 127.0.0.1 for the browser, and another Host for the harness.
    await page.goto(`http://localhost:${harness.port}/#k=${harness.secret}`);
    await expect(page.getByText('Forbidden host')).toBeVisible();
    const reached = await page.evaluate(
      ({ port, secret }) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(`ws://127.0.0.1:${port}/ipc`, [`cpa.${secret}`]);
          socket.onopen = () => resolve('open');
          socket.onerror = () => resolve('refused');
        }),
      { port: harness.port, secret: harness.secret },
    );
    expect(reached).toBe('refused');
    expect(llm.chatRequests()).toHaveLength(0);
    await page.close();
  });

  test('a page opened without the secret says it was refused and sends nothing', async ({ browser, harness, llm }) => {
    const page = await browser.newPage();
    await page.goto(`${harness.origin}/`);
    const result = await page.evaluate(() => window.api.llm.status());
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(llm.chatRequests()).toHaveLength(0);
    expect(requestsNotFromMain(llm)).toEqual([]);
    await page.close();
  });

  test('streamed deltas reach only the page that started the turn', async ({ app, browser, harness, llm }) => {
    const other = await browser.newPage();
    await other.goto(harness.url);
    await other.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { seen: unknown[] }).seen = seen;
      window.api.protocol.onDelta((delta) => seen.push(delta));
      window.api.protocol.onTurnStarted((event) => seen.push(event));
    });
    llm.queueReply('Only for the first page.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('Only for the first page.');
    expect(await other.evaluate(() => (window as unknown as { seen: unknown[] }).seen)).toEqual([]);
    await other.close();
  });

  test('a reload keeps working', async ({ app, llm }) => {
    await app.reload();
    llm.queueReply('After reload.');
    await fillFeverPatient(app);
    await app.getByRole('button', { name: 'Get protocol' }).click();
    await expect(app.getByTestId('answer').first()).toHaveText('After reload.');
  });
});

test.describe('content security policy in Chromium (check 8)', () => {
  test('an injected inline script does not run and a fetch to another origin is blocked', async ({ page: app, harness, llm }) => {
    // A plain page, not the `app` fixture: this test expects the CSP violations that fixture would report.
    await app.goto(harness.url);
    const violations: string[] = [];
    app.on('console', (message) => {
      if (/Content Security Policy/.test(message.text())) violations.push(message.text());
    });
    await app.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true;';
      document.body.append(script);
    });
    expect(await app.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    const fetched = await app.evaluate(async (url) => {
      try {
        await fetch(url);
        return 'fetched';
      } catch {
        return 'blocked';
      }
    }, `${llm.baseURL}/models`);
    expect(fetched).toBe('blocked');
    // Main's own status probes reach the server; nothing from the browser may.
    expect(requestsNotFromMain(llm)).toEqual([]);
    expect(violations.length).toBeGreaterThanOrEqual(2);
  });

  test('the page has no Node: require and process are undefined', async ({ app }) => {
    expect(await app.evaluate(() => [typeof (window as { require?: unknown }).require, typeof (window as { process?: unknown }).process])).toEqual([
      'undefined',
      'undefined',
    ]);
  });
});
