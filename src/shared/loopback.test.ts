import { describe, expect, it } from 'vitest';
import { isLoopbackUrl } from './loopback';
import { Settings, SETTINGS_DEFAULTS } from './settings';

describe('isLoopbackUrl', () => {
  it.each([
    'http://localhost:8000/v1',
    'http://LOCALHOST/v1',
    'http://127.0.0.1:8000/v1',
    'http://127.255.255.254/',
    'http://127.1/',
    'http://0x7f000001/',
    'http://127.0.0.1./',
    'http://[::1]:8000/v1',
    'http://[0:0:0:0:0:0:0:1]/',
  ])('accepts %s', (url) => {
    expect(isLoopbackUrl(new URL(url))).toBe(true);
  });

  it.each([
    ['a name that starts like a loopback address', 'http://127.0.0.1.nip.io/v1'],
    ['a name under localhost', 'http://127.0.0.2.nip.io/v1'],
    ['loopback as the user name of another host', 'http://127.0.0.1@evil.example/v1'],
    ['loopback as user name and password', 'http://localhost:8000@evil.example/v1'],
    ['a fully qualified localhost', 'http://localhost./v1'],
    ['a subdomain of localhost', 'http://app.localhost/v1'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]/v1'],
    ['another IPv6 address', 'http://[::2]/v1'],
    ['an address outside 127.0.0.0/8', 'http://128.0.0.1/v1'],
    ['the unspecified address', 'http://0.0.0.0:8000/v1'],
    ['a clinic server', 'http://10.1.2.3:8000/v1'],
  ])('refuses %s (%s)', (_label, url) => {
    expect(isLoopbackUrl(new URL(url))).toBe(false);
  });
});

describe('plain http to a look-alike of loopback', () => {
  it('is refused by the settings check unless IT allows insecure http', () => {
    const settings = { ...SETTINGS_DEFAULTS, llmBaseUrl: 'http://127.0.0.1.nip.io:8000/v1' };
    const refused = Settings.safeParse(settings);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('plain http to another machine');
    expect(Settings.safeParse({ ...settings, allowInsecureHttp: true }).success).toBe(true);
  });

  it('is refused for a fallback endpoint too', () => {
    const refused = Settings.safeParse({ ...SETTINGS_DEFAULTS, llmFallbackUrls: ['https://llm.clinic.example/v1', 'http://127.0.0.2.nip.io/v1'] });
    expect(refused.error?.issues.map((issue) => issue.path)).toEqual([['llmFallbackUrls', 1]]);
  });
});
