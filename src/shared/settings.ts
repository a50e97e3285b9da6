import { z } from 'zod';
import { isLoopbackUrl } from './loopback';

/**
 * A type error that names the setting. zod 4 also uses a schema's `error` for its failed checks, which would answer
 * "temperature must be a number" for 5; leaving those to zod keeps "Too big: expected number to be <=2".
 */
function typeError(message: string): (issue: { readonly code: string; readonly expected?: string }) => string | undefined {
  return (issue) => (issue.code === 'invalid_type' && issue.expected !== 'int' ? message : undefined);
}

/**
 * Every setting and its bounds. Sources are layered by main (defaults < user settings < environment in
 * development < IT policy, which locks what it sets). Unknown keys are errors that name the key.
 */
export const SettingsFields = z.strictObject({
  // The descriptions are published for IT in docs/policy.schema.json and docs/deployment.md
  // (`npm run policy:schema`). `.describe()` only attaches metadata: parsing and error messages are unchanged.
  llmBaseUrl: z
    .url({
      protocol: /^https?$/,
      error: 'llmBaseUrl must be an http(s) URL such as http://127.0.0.1:8000/v1',
    })
    .describe(
      'Base URL of the OpenAI-compatible model server (vLLM), `/v1` included, e.g. https://llm.clinic.example/v1. ' +
        'Plain http:// is accepted only for this machine (loopback) unless allowInsecureHttp is true.',
    ),
  llmApiKey: z
    .string({ error: typeError('llmApiKey must be text') })
    .max(4096)
    .describe('Bearer token of the model server (vLLM --api-key); empty when it has none. Never shown in the interface.'),
  model: z
    .string({ error: typeError('model must be text') })
    .max(256)
    .describe(
      'Model id to ask for. Installed (release) builds need it set; empty means the first model /v1/models lists in development builds only.',
    ),
  temperature: z
    .number({ error: typeError('temperature must be a number') })
    .min(0)
    .max(2)
    .describe('Sampling temperature; low values give steadier answers.'),
  maxOutputTokens: z
    .number({ error: typeError('maxOutputTokens must be a number') })
    .int()
    .min(16)
    .max(32_768)
    .describe('Longest answer, in tokens. With contextMarginTokens it must stay below contextLength.'),
  requestTimeoutMs: z
    .number({ error: typeError('requestTimeoutMs must be a number') })
    .int()
    .min(1_000)
    .max(600_000)
    .describe('Milliseconds to wait for an answer to start, and for each silence while it streams.'),
  maxRetries: z
    .number({ error: typeError('maxRetries must be a number') })
    .int()
    .min(0)
    .max(5)
    .describe('Retries before any text arrived (connection errors, 429 with Retry-After, 503).'),
  allowInsecureHttp: z
    .boolean({ error: typeError('allowInsecureHttp must be true or false') })
    .describe(
      'Allows a plain-http model server on another machine: patient data would cross the network unencrypted. Off by default.',
    ),
  llmFallbackUrls: z
    .array(z.url({ protocol: /^https?$/, error: 'each llmFallbackUrls entry must be an http(s) URL' }), {
      error: typeError('llmFallbackUrls must be a list of URLs'),
    })
    .max(8)
    .describe(
      'Further model-server URLs, tried in order when the current one fails; only those serving the same model id are used. Same http rule as llmBaseUrl.',
    ),
  contextLength: z
    .number({ error: typeError('contextLength must be a number') })
    .int()
    .min(512)
    .max(2_000_000)
    .describe('Context length in tokens, used when the server does not report max_model_len.'),
  contextMarginTokens: z
    .number({ error: typeError('contextMarginTokens must be a number') })
    .int()
    .min(0)
    .max(32_768)
    .describe('Tokens kept free beyond the answer, for the chat template and counting error.'),
  maxConcurrentModelRequests: z
    .number({ error: typeError('maxConcurrentModelRequests must be a number') })
    .int()
    .min(1)
    .max(256)
    .describe('Model requests in flight at once across all sessions (protects the model server); more wait, first come first served.'),
  sessionIdleTimeoutMs: z
    .number({ error: typeError('sessionIdleTimeoutMs must be a number') })
    .int()
    .min(1_000)
    .max(86_400_000)
    .describe('Milliseconds without a request from the clinician after which a live session leaves memory (its history stays on disk).'),
  sessionAbsoluteTimeoutMs: z
    .number({ error: typeError('sessionAbsoluteTimeoutMs must be a number') })
    .int()
    .min(1_000)
    .max(7 * 86_400_000)
    .describe('Milliseconds after which a live session leaves memory, active or not (never during a turn). Not shorter than sessionIdleTimeoutMs.'),
  maxLiveSessions: z
    .number({ error: typeError('maxLiveSessions must be a number') })
    .int()
    .min(1)
    .max(1_000_000)
    .describe('Live sessions kept in memory; past it the least recently used idle one leaves.'),
  sessionQueueWaitMs: z
    .number({ error: typeError('sessionQueueWaitMs must be a number') })
    .int()
    .min(0)
    .max(3_600_000)
    .describe(`Milliseconds a message waits behind the same session's previous one before it is answered "busy".`),
  retentionDays: z
    .number({ error: typeError('retentionDays must be a number') })
    .int()
    .min(1)
    .max(3_650)
    .describe('Days a session is kept after its last turn; then its key is destroyed and every copy is unreadable.'),
  idleLockMinutes: z
    .number({ error: typeError('idleLockMinutes must be a number') })
    .int()
    .min(1)
    .max(240)
    .describe('Minutes without activity (system idle and in the app) before the app locks itself.'),
  profileSelfCreation: z
    .boolean({ error: typeError('profileSelfCreation must be true or false') })
    .describe('Whether clinicians may create their own profile on this workstation (else IT creates them).'),
  allowBasicTextKeyStorage: z
    .boolean({ error: typeError('allowBasicTextKeyStorage must be true or false') })
    .describe('Linux only: accept the basic_text key storage (no OS keyring; keys are only obfuscated). Off by default.'),
  recoveryPublicKey: z
    .string({ error: typeError('recoveryPublicKey must be text') })
    .max(16_384)
    .describe(
      "IT's recovery public key (RSA, at least 2048 bits, SPKI PEM: -----BEGIN PUBLIC KEY-----); when set, every profile's data key is also escrowed to it for passphrase recovery. Empty: no recovery.",
    ),
  exportAllowed: z
    .boolean({ error: typeError('exportAllowed must be true or false') })
    .describe(
      'Whether clinicians may export a session (Markdown, JSON, PDF) to a file on this workstation. Every export is audited. On by default.',
    ),
  theme: z
    .enum(['system', 'light', 'dark'], { error: 'theme must be system, light or dark' })
    .describe("Colour theme: system follows the OS's light or dark mode. A clinician's own preference unless the policy sets it."),
  extraCaCertificates: z
    .array(
      z
        .string({ error: 'each extraCaCertificates entry must be text' })
        .max(16_384)
        .regex(/^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, {
          error: 'each extraCaCertificates entry must be one PEM certificate (-----BEGIN CERTIFICATE-----)',
        }),
      { error: 'extraCaCertificates must be a list of PEM certificates' },
    )
    .max(16)
    .describe(
      "Further certificate authorities (PEM) trusted for the model server's and the sync server's HTTPS certificates, beside the OS trust store — for a clinic CA not installed on the workstation. Each must be a CA certificate; the server's name, validity and signatures are still checked. Desktop app only.",
    ),
  syncServerUrl: z
    .url({ protocol: /^https?$/, error: 'syncServerUrl must be an http(s) URL such as https://sync.clinic.example/' })
    .nullable()
    .describe(
      "Base URL of the clinic's sync server, which lets a clinician's profile and sessions follow them between workstations (end-to-end encrypted: the server holds only sealed items). null: sync is off. Same https rule as llmBaseUrl; extraCaCertificates apply.",
    ),
  syncWorkstationLabel: z
    .string({ error: typeError('syncWorkstationLabel must be text') })
    .trim()
    .max(64)
    .describe(
      'How colleagues see this workstation when a session is open here ("This session is open on Triage 2."). Empty: the host name.',
    ),
  syncEnrollmentSecret: z
    .string({ error: typeError('syncEnrollmentSecret must be text') })
    .max(256)
    .refine((value) => value === '' || value.length >= 16, 'syncEnrollmentSecret must be empty or at least 16 characters')
    .describe(
      "The clinic's enrollment secret (the sync server's CPA_SYNC_ENROLLMENT_SECRET), sent when this workstation registers a new clinic profile. Empty: none is sent (the server then must not require one). A secret: never shown in the interface, never logged.",
    ),
  syncPullIntervalSeconds: z
    .number({ error: typeError('syncPullIntervalSeconds must be a number') })
    .int()
    .min(10)
    .max(3_600)
    .describe("Seconds between safety-net pulls from the sync server; changes normally arrive at once through its live feed."),
  updates: z
    .enum(['off'], { error: "updates must be 'off'" })
    .describe(
      "Automatic updates. This version contains no updater: new versions come only from IT's installers, so 'off' is the only value; a policy may state it.",
    ),
  crashReporting: z
    .literal(false, { error: 'crashReporting must be false' })
    .describe('Crash reports sent off the workstation. This version never starts a crash reporter, so false is the only value; a policy may state it.'),
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
  exportAllowed: true,
  theme: 'system',
  extraCaCertificates: [],
  syncServerUrl: null,
  syncWorkstationLabel: '',
  syncEnrollmentSecret: '',
  syncPullIntervalSeconds: 60,
  updates: 'off',
  crashReporting: false,
};

/** The colour theme: `system` follows the OS (prefers-color-scheme). */
export type ThemePreference = Settings['theme'];

/**
 * The only settings a clinician may set (in their settings.json, or with `settings.set`): personal preferences
 * with no bearing on security, privacy or clinical output. Everything else is IT's, through the policy — a
 * clinician's file must not be able to allow plain http, point at another server or keep data longer.
 */
export const USER_SETTABLE_KEYS = ['theme'] as const;
/** @see USER_SETTABLE_KEYS */
export type UserSettableKey = (typeof USER_SETTABLE_KEYS)[number];

/** `settings.set`: some of the clinician's own preferences; any other key is refused by name. */
export const SettingsUpdate = SettingsFields.pick({ theme: true }).partial();
/** @see SettingsUpdate */
export type SettingsUpdate = z.output<typeof SettingsUpdate>;

/** One source's contribution: any subset of the settings, each checked, unknown keys refused. */
export const SettingsLayer = SettingsFields.partial();
/** @see SettingsLayer */
export type SettingsLayer = z.output<typeof SettingsLayer>;

/** The effective settings, with the checks that span fields. */
export const Settings = SettingsFields.superRefine((settings, ctx) => {
  const endpoints: [string, (string | number)[], string][] = [
    [settings.llmBaseUrl, ['llmBaseUrl'], 'llmBaseUrl'],
    ...settings.llmFallbackUrls.map((url, index): [string, (string | number)[], string] => [url, ['llmFallbackUrls', index], 'llmFallbackUrls entry']),
    ...(settings.syncServerUrl === null ? [] : [[settings.syncServerUrl, ['syncServerUrl'], 'syncServerUrl'] as [string, (string | number)[], string]]),
  ];
  for (const [endpoint, path, name] of endpoints) {
    const url = new URL(endpoint);
    if (url.protocol === 'http:' && !isLoopbackUrl(url) && !settings.allowInsecureHttp) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${name} uses plain http to another machine; use https, or IT must set allowInsecureHttp in the policy`,
      });
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', path, message: `${name} must not carry credentials${name === 'syncServerUrl' ? '' : '; use llmApiKey'}` });
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

/** What the renderer may read: every setting except the secrets (API key, enrollment secret), plus which ones IT policy locks. */
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
    exportAllowed: z.boolean(),
    theme: z.enum(['system', 'light', 'dark']),
    /** How many extra certificate authorities policy adds (the certificates themselves stay in main). */
    extraCaCount: z.number(),
    syncServerUrl: z.string().nullable(),
    syncWorkstationLabel: z.string(),
    syncPullIntervalSeconds: z.number(),
    updates: z.enum(['off']),
    crashReporting: z.literal(false),
  }),
  lockedByPolicy: z.array(z.string()),
  /** The settings this clinician may change now: {@link USER_SETTABLE_KEYS} not locked by policy. */
  userSettable: z.array(z.string()),
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
