/** The operator's side of the configuration: flags, environment variables and the refusal of plain HTTP. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SETTINGS, checkTransport, parseCommandLine, settingsFromEnv } from '../../src/server/config';

const ROOT = join(import.meta.dirname, '..', '..');

describe('sync server configuration', () => {
  it('reads the serve and remove-profile command lines', () => {
    expect(parseCommandLine(['--port', '8443', '--data-dir', '/srv/sync', '--host', '10.0.0.5', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'])).toEqual({
      command: 'serve',
      port: 8443,
      host: '10.0.0.5',
      dataDir: '/srv/sync',
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
      allowInsecureHttp: false,
      profileName: null,
    });
    expect(parseCommandLine(['remove-profile', '--name', 'Dr Ada'])).toMatchObject({ command: 'remove-profile', profileName: 'Dr Ada' });
    for (const bad of [[], ['--port', 'x'], ['--port', '1', '--tls-cert', 'c.pem'], ['--port', '1', '--verbose'], ['remove-profile']]) {
      expect(() => parseCommandLine(bad)).toThrow(ConfigError);
    }
  });

  it('refuses plain HTTP beyond loopback unless the operator allows it', () => {
    expect(() => checkTransport(parseCommandLine(['--port', '1']))).not.toThrow();
    expect(() => checkTransport(parseCommandLine(['--port', '1', '--host', '0.0.0.0']))).toThrow(/Refusing plain HTTP on 0\.0\.0\.0/);
    expect(() => checkTransport(parseCommandLine(['--port', '1', '--host', '0.0.0.0', '--allow-insecure-http']))).not.toThrow();
    expect(() => checkTransport(parseCommandLine(['--port', '1', '--host', '0.0.0.0', '--tls-cert', 'c', '--tls-key', 'k']))).not.toThrow();
  });

  it('takes its settings from CPA_SYNC_* variables and names the one that is wrong', () => {
    expect(settingsFromEnv({})).toEqual(DEFAULT_SETTINGS);
    expect(settingsFromEnv({ CPA_SYNC_RETENTION_DAYS: '30', CPA_SYNC_TOKEN_TTL_MINUTES: '60', CPA_SYNC_LEASE_TTL_SECONDS: '10' })).toMatchObject({
      retentionDays: 30,
      tokenTtlMs: 3_600_000,
      leaseTtlMs: 10_000,
    });
    expect(() => settingsFromEnv({ CPA_SYNC_TOMBSTONE_DAYS: 'soon' })).toThrow(/CPA_SYNC_TOMBSTONE_DAYS/);
    expect(() => settingsFromEnv({ CPA_SYNC_RETENTION_DAYS: '0' })).toThrow(/CPA_SYNC_RETENTION_DAYS must be at least 1/);
    expect([undefined, '0', '1', '2', '10.0.0.1, 192.168.0.0/16', 'fd00::1'].map((raw) => settingsFromEnv({ CPA_SYNC_TRUST_PROXY: raw }).trustProxy)).toEqual([
      false,
      false,
      1,
      2,
      ['10.0.0.1', '192.168.0.0/16'],
      ['fd00::1'],
    ]);
    for (const bad of ['true', '99', '10.0.0.1; rm', '*']) expect(() => settingsFromEnv({ CPA_SYNC_TRUST_PROXY: bad })).toThrow(/CPA_SYNC_TRUST_PROXY/);
  });

  it('`npm run sync-server` stops before touching a database when asked to serve plain HTTP on the network', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--port', '0', '--host', '0.0.0.0', '--data-dir', '/nonexistent'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '' },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^sync server: Refusing plain HTTP on 0\.0\.0\.0/);
  });
});
