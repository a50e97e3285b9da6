import { describe, expect, it } from 'vitest';
import { SyncServerUrlError, parseSyncServerUrl } from './syncServerUrl';

describe('parseSyncServerUrl', () => {
  it.each([
    ['https://sync.clinic.example', false, 'https://sync.clinic.example/'],
    ['https://proxy.clinic.example/cpa-sync', false, 'https://proxy.clinic.example/cpa-sync/'],
    ['http://127.0.0.1:8787', false, 'http://127.0.0.1:8787/'],
    ['http://localhost:8787/', false, 'http://localhost:8787/'],
    ['http://[::1]:8787', false, 'http://[::1]:8787/'],
    ['http://sync.clinic.lan:8787', true, 'http://sync.clinic.lan:8787/'],
  ])('accepts %s (allowInsecureHttp %s)', (text, allowInsecureHttp, base) => {
    expect(parseSyncServerUrl(text, allowInsecureHttp).toString()).toBe(base);
  });

  it.each([
    ['plain http to another machine', 'http://sync.clinic.lan:8787'],
    ['a loopback look-alike', 'http://127.0.0.1.nip.io'],
    ['loopback as a user name', 'http://127.0.0.1@evil.example'],
    ['credentials in the address', 'https://ada:secret@sync.clinic.example'],
    ['a query', 'https://sync.clinic.example/?token=x'],
    ['another scheme', 'ftp://sync.clinic.example'],
    ['not a URL', 'sync.clinic.example'],
  ])('refuses %s', (_name, text) => {
    expect(() => parseSyncServerUrl(text, false)).toThrow(SyncServerUrlError);
  });
});
