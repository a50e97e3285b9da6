import { z } from 'zod';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True when `url` points at this machine (loopback), where plain http carries no patient data off the host. */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.');
}

/**
 * Every setting and its bounds. Sources are layered by main (defaults < user settings < environment in
 * development < IT policy, which locks what it sets). Unknown keys are errors that name the key.
 */
export const SettingsFields = z.strictObject({
  /** Base URL of the OpenAI-compatible API, including `/v1`. */
  llmBaseUrl: z.url({
    protocol: /^https?$/,
    error: 'llmBaseUrl must be an http(s) URL such as http://127.0.0.1:8000/v1',
  }),
  /** Bearer token for the model server (vLLM `--api-key`); empty when it has none. */
  llmApiKey: z.string({ error: 'llmApiKey must be text' }).max(4096),
  /** Model id; empty means the first one `/v1/models` lists (development builds only). */
  model: z.string({ error: 'model must be text' }).max(256),
  temperature: z.number({ error: 'temperature must be a number' }).min(0).max(2),
  maxOutputTokens: z.number({ error: 'maxOutputTokens must be a number' }).int().min(16).max(32_768),
  requestTimeoutMs: z.number({ error: 'requestTimeoutMs must be a number' }).int().min(1_000).max(600_000),
  maxRetries: z.number({ error: 'maxRetries must be a number' }).int().min(0).max(5),
  /** Allows a plain-http model server off this machine. Off by default: patient data would cross the network in clear. */
  allowInsecureHttp: z.boolean({ error: 'allowInsecureHttp must be true or false' }),
  /** Further endpoints serving the same model, tried in order when the current one fails. */
  llmFallbackUrls: z
    .array(z.url({ protocol: /^https?$/, error: 'each llmFallbackUrls entry must be an http(s) URL' }), {
      error: 'llmFallbackUrls must be a list of URLs',
    })
    .max(8),
  /** Context length used when the server does not report `max_model_len`. */
  contextLength: z.number({ error: 'contextLength must be a number' }).int().min(512).max(2_000_000),
  /** Tokens kept free beyond the answer, for the chat template and counting error. */
  contextMarginTokens: z.number({ error: 'contextMarginTokens must be a number' }).int().min(0).max(32_768),
  /** Model requests in flight at once across all sessions; more wait their turn, first come first served. */
  maxConcurrentModelRequests: z.number({ error: 'maxConcurrentModelRequests must be a number' }).int().min(1).max(256),
  /** A live session without a clinician's request for this long is dropped from memory. */
  sessionIdleTimeoutMs: z.number({ error: 'sessionIdleTimeoutMs must be a number' }).int().min(1_000).max(86_400_000),
  /** A live session older than this is dropped from memory, active or not (never during a turn). */
  sessionAbsoluteTimeoutMs: z.number({ error: 'sessionAbsoluteTimeoutMs must be a number' }).int().min(1_000).max(7 * 86_400_000),
  /** Live sessions kept in memory; past it the least recently used idle one is dropped. */
  maxLiveSessions: z.number({ error: 'maxLiveSessions must be a number' }).int().min(1).max(1_000_000),
  /** How long a turn waits for the previous turn of its session before answering SESSION_BUSY. */
  sessionQueueWaitMs: z.number({ error: 'sessionQueueWaitMs must be a number' }).int().min(0).max(3_600_000),
  /** Days a session is kept after its last turn; then its key is destroyed and every copy is unreadable. */
  retentionDays: z.number({ error: 'retentionDays must be a number' }).int().min(1).max(3_650),
  /** Minutes without activity (system idle and in the app) before the app locks itself. */
  idleLockMinutes: z.number({ error: 'idleLockMinutes must be a number' }).int().min(1).max(240),
  /** Whether clinicians may create their own profile on this workstation (else IT creates them). */
  profileSelfCreation: z.boolean({ error: 'profileSelfCreation must be true or false' }),
  /** Accept Linux's `basic_text` key storage (no OS keyring: the key is only obfuscated). Off by default. */
  allowBasicTextKeyStorage: z.boolean({ error: 'allowBasicTextKeyStorage must be true or false' }),
  /** IT's recovery public key (SPKI PEM, RSA); when set, every profile's data key is also escrowed to it. */
  recoveryPublicKey: z.string({ error: 'recoveryPublicKey must be text' }).max(16_384),
});

/** The defaults, used where no source sets a value. */
export const SETTINGS_DEFAULTS: z.output<typeof SettingsFields> = {
  llmBaseUrl: 'http://127.0.0.1:8000/v1',
  llmApiKey: '',
  model: '',
  temperature: 0.2,
  maxOutputTokens: 1024,
  requestTimeoutMs: 60_000,
  maxRetries: 2,
  allowInsecureHttp: false,
  llmFallbackUrls: [],
  contextLength: 8192,
  contextMarginTokens: 256,
  maxConcurrentModelRequests: 4,
  sessionIdleTimeoutMs: 30 * 60_000,
  sessionAbsoluteTimeoutMs: 4 * 60 * 60_000,
  maxLiveSessions: 500,
  sessionQueueWaitMs: 90_000,
  retentionDays: 7,
  idleLockMinutes: 15,
  profileSelfCreation: true,
  allowBasicTextKeyStorage: false,
  recoveryPublicKey: '',
};

/** One source's contribution: any subset of the settings, each checked, unknown keys refused. */
export const SettingsLayer = SettingsFields.partial();
/** @see SettingsLayer */
export type SettingsLayer = z.output<typeof SettingsLayer>;

/** The effective settings, with the checks that span fields. */
export const Settings = SettingsFields.superRefine((settings, ctx) => {
  const endpoints: [string, (string | number)[]][] = [
    [settings.llmBaseUrl, ['llmBaseUrl']],
    ...settings.llmFallbackUrls.map((url, index): [string, (string | number)[]] => [url, ['llmFallbackUrls', index]]),
  ];
  for (const [endpoint, path] of endpoints) {
    const url = new URL(endpoint);
    const name = path.length === 1 ? 'llmBaseUrl' : 'llmFallbackUrls entry';
    if (url.protocol === 'http:' && !isLoopbackUrl(url) && !settings.allowInsecureHttp) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${name} uses plain http to another machine; use https, or IT must set allowInsecureHttp in the policy`,
      });
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', path, message: `${name} must not carry credentials; use llmApiKey` });
    }
  }
  if (settings.sessionAbsoluteTimeoutMs < settings.sessionIdleTimeoutMs) {
    ctx.addIssue({
      code: 'custom',
      path: ['sessionAbsoluteTimeoutMs'],
      message: 'sessionAbsoluteTimeoutMs must not be shorter than sessionIdleTimeoutMs',
    });
  }
  if (settings.maxOutputTokens + settings.contextMarginTokens >= settings.contextLength) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxOutputTokens'],
      message: 'maxOutputTokens plus contextMarginTokens must leave room for the prompt within contextLength',
    });
  }
});
/** Effective settings after layering. */
export type Settings = z.output<typeof Settings>;
/** Names of the settings. */
export type SettingKey = keyof Settings;

/** What the renderer may read: every setting except the API key, plus which ones IT policy locks. */
export const SettingsView = z.strictObject({
  values: z.strictObject({
    llmBaseUrl: z.string(),
    llmApiKeySet: z.boolean(),
    model: z.string(),
    temperature: z.number(),
    maxOutputTokens: z.number(),
    requestTimeoutMs: z.number(),
    maxRetries: z.number(),
    allowInsecureHttp: z.boolean(),
    llmFallbackUrls: z.array(z.string()),
    contextLength: z.number(),
    contextMarginTokens: z.number(),
    maxConcurrentModelRequests: z.number(),
    sessionIdleTimeoutMs: z.number(),
    sessionAbsoluteTimeoutMs: z.number(),
    maxLiveSessions: z.number(),
    sessionQueueWaitMs: z.number(),
    retentionDays: z.number(),
    idleLockMinutes: z.number(),
    profileSelfCreation: z.boolean(),
    allowBasicTextKeyStorage: z.boolean(),
    recoveryKeyConfigured: z.boolean(),
  }),
  lockedByPolicy: z.array(z.string()),
});
/** @see SettingsView */
export type SettingsView = z.infer<typeof SettingsView>;

/** Health of the model server as main last saw it. */
export const LlmStatus = z.strictObject({
  reachable: z.boolean(),
  state: z.enum(['reachable', 'degraded', 'offline']),
  model: z.string().nullable(),
  endpoint: z.string(),
  latencyMs: z.number().nonnegative().nullable(),
});
/** @see LlmStatus */
export type LlmStatus = z.infer<typeof LlmStatus>;
