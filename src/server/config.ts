/**
 * The sync server's configuration: command-line flags for where it listens and keeps its data, environment
 * variables for everything an operator tunes (docs/sync-server.md lists each). Parsed once at start; a bad value
 * stops the server with a message naming the setting, never a default silently used in its place.
 */
import { z } from 'zod';

/** Everything the running server reads from its configuration. */
export interface ServerSettings {
  /** Days after a session's last turn at which the server shreds it (tombstone, reason `retention`). */
  readonly retentionDays: number;
  /** Days a tombstone is kept; a workstation whose cursor is older must resync from 0. */
  readonly tombstoneDays: number;
  /** Lifetime of a sign-in token. */
  readonly tokenTtlMs: number;
  /** How long a session lease lasts unrenewed. */
  readonly leaseTtlMs: number;
  /** How often the retention and tombstone sweeps run (0 = never, tests run them by hand). */
  readonly sweepIntervalMs: number;
  /**
   * Which reverse proxies' X-Forwarded-For gives the client address (rate limiting): false = none (the socket's
   * address), a number = that many proxy hops in front (the address is taken that many entries from the right),
   * a list = the proxies' addresses or CIDR ranges. Never "trust everything": the left-most entry is whatever the
   * client wrote.
   */
  readonly trustProxy: false | number | readonly string[];
  /** Most PostgreSQL connections of this process. */
  readonly poolMax: number;
  /** Interval of the live feed's heartbeat, which also re-checks the token (not configurable by env). */
  readonly heartbeatMs: number;
  /**
   * Base64 blob characters one pull page holds at most (a page always holds at least one change). Bounds the
   * answer's size in memory, on the wire and as one JavaScript string on the workstation (not configurable by env).
   */
  readonly pullPageBlobChars: number;
  /** When set, registering a profile needs this secret (IT hands it out with the workstations' setup); null = open. */
  readonly enrollmentSecret: string | null;
}

/** The defaults: retention 7 days is the app's own default policy (see docs/sync-server.md on choosing it). */
export const DEFAULT_SETTINGS: ServerSettings = {
  retentionDays: 7,
  tombstoneDays: 90,
  tokenTtlMs: 12 * 60 * 60_000,
  leaseTtlMs: 30_000,
  sweepIntervalMs: 60 * 60_000,
  trustProxy: false,
  poolMax: 10,
  heartbeatMs: 15_000,
  pullPageBlobChars: 16_000_000,
  enrollmentSecret: null,
};

/** The command line of `npm run sync-server -- …` (serve) or `… remove-profile --name <name>`. */
export interface CommandLine {
  readonly command: 'serve' | 'remove-profile';
  readonly port: number;
  readonly host: string;
  readonly dataDir: string | null;
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
  readonly allowInsecureHttp: boolean;
  readonly profileName: string | null;
}

/** A configuration mistake: the message names the flag or variable and is shown to the operator as is. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const FLAGS_WITH_VALUE = new Set(['--port', '--host', '--data-dir', '--tls-cert', '--tls-key', '--name']);

/** Parses the flags after `npm run sync-server --`. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const args = [...argv];
  const command = args[0] === 'remove-profile' ? 'remove-profile' : 'serve';
  if (command === 'remove-profile') args.shift();
  const values = new Map<string, string>();
  let allowInsecureHttp = false;
  while (args.length > 0) {
    const flag = args.shift() as string;
    if (flag === '--allow-insecure-http') {
      allowInsecureHttp = true;
      continue;
    }
    if (!FLAGS_WITH_VALUE.has(flag)) throw new ConfigError(`Unknown argument ${flag}.`);
    const value = args.shift();
    if (value === undefined || value.startsWith('--')) throw new ConfigError(`${flag} needs a value.`);
    values.set(flag, value);
  }
  const portText = values.get('--port') ?? (command === 'serve' ? undefined : '0');
  if (portText === undefined) throw new ConfigError('--port <port> is required.');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError('--port must be 0–65535.');
  const tlsCert = values.get('--tls-cert') ?? null;
  const tlsKey = values.get('--tls-key') ?? null;
  if ((tlsCert === null) !== (tlsKey === null)) throw new ConfigError('--tls-cert and --tls-key go together.');
  const profileName = values.get('--name') ?? null;
  if (command === 'remove-profile' && profileName === null) throw new ConfigError('remove-profile needs --name <name>.');
  return {
    command,
    port,
    host: values.get('--host') ?? '127.0.0.1',
    dataDir: values.get('--data-dir') ?? null,
    tlsCert,
    tlsKey,
    allowInsecureHttp,
    profileName,
  };
}

/** True for the addresses only this machine reaches: plain HTTP there is for a reverse proxy in front. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Refuses to serve clinicians' tokens over plain HTTP beyond this machine unless the operator said so. */
export function checkTransport(line: CommandLine): void {
  if (line.tlsCert === null && !isLoopbackHost(line.host) && !line.allowInsecureHttp) {
    throw new ConfigError(
      `Refusing plain HTTP on ${line.host}: give --tls-cert and --tls-key, listen on 127.0.0.1 behind a TLS reverse proxy, or pass --allow-insecure-http.`,
    );
  }
}

const positiveInt = (name: string, min: number) =>
  z.coerce.number({ error: `${name} must be a number.` }).int(`${name} must be a whole number.`).min(min, `${name} must be at least ${min}.`);

const PROXY_ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(?:\/\d{1,3})?$/;

/** `CPA_SYNC_TRUST_PROXY`: 0 (none), a hop count, or a comma-separated list of proxy addresses / CIDR ranges. */
export function trustProxyFromEnv(raw: string | undefined): ServerSettings['trustProxy'] {
  const text = (raw ?? '').trim();
  if (text === '' || text === '0') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 10) throw new ConfigError('CPA_SYNC_TRUST_PROXY must be a hop count of at most 10, or proxy addresses.');
    return hops;
  }
  const addresses = text.split(',').map((part) => part.trim());
  if (addresses.some((address) => !PROXY_ADDRESS.test(address))) {
    throw new ConfigError('CPA_SYNC_TRUST_PROXY must be 0, a hop count, or comma-separated proxy addresses (IP or CIDR).');
  }
  return addresses;
}

/** Reads the `CPA_SYNC_*` variables; unset ones keep {@link DEFAULT_SETTINGS}. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): ServerSettings {
  const read = <T>(name: string, schema: z.ZodType<T>, fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new ConfigError(parsed.error.issues[0]?.message ?? `${name} is invalid.`);
    return parsed.data;
  };
  const d = DEFAULT_SETTINGS;
  const retentionDays = read('CPA_SYNC_RETENTION_DAYS', positiveInt('CPA_SYNC_RETENTION_DAYS', 1), d.retentionDays);
  const tombstoneDays = read('CPA_SYNC_TOMBSTONE_DAYS', positiveInt('CPA_SYNC_TOMBSTONE_DAYS', 1), d.tombstoneDays);
  return {
    retentionDays,
    tombstoneDays,
    tokenTtlMs: read('CPA_SYNC_TOKEN_TTL_MINUTES', positiveInt('CPA_SYNC_TOKEN_TTL_MINUTES', 1), d.tokenTtlMs / 60_000) * 60_000,
    leaseTtlMs: read('CPA_SYNC_LEASE_TTL_SECONDS', positiveInt('CPA_SYNC_LEASE_TTL_SECONDS', 5), d.leaseTtlMs / 1000) * 1000,
    sweepIntervalMs: read('CPA_SYNC_SWEEP_MINUTES', positiveInt('CPA_SYNC_SWEEP_MINUTES', 1), d.sweepIntervalMs / 60_000) * 60_000,
    trustProxy: trustProxyFromEnv(env['CPA_SYNC_TRUST_PROXY']),
    poolMax: read('CPA_SYNC_DB_POOL_MAX', positiveInt('CPA_SYNC_DB_POOL_MAX', 2), d.poolMax),
    heartbeatMs: d.heartbeatMs,
    pullPageBlobChars: d.pullPageBlobChars,
    enrollmentSecret: read(
      'CPA_SYNC_ENROLLMENT_SECRET',
      z.string().min(16, 'CPA_SYNC_ENROLLMENT_SECRET must be at least 16 characters.').max(256, 'CPA_SYNC_ENROLLMENT_SECRET must be at most 256 characters.'),
      null as string | null,
    ),
  };
}
