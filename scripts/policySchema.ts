/**
 * `npm run policy:schema`: publishes the IT policy for IT from the zod schema the app validates it with
 * (`SettingsLayer` in src/shared/settings.ts), so the published form cannot drift from the real one:
 * - docs/policy.schema.json, a JSON Schema for editors and deployment tooling;
 * - the settings table in docs/deployment.md, between its `policy-keys` markers.
 * scripts/policySchema.test.ts fails when either is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { SETTINGS_DEFAULTS, SettingsLayer } from '../src/shared/settings';

const REPO_ROOT = resolve(import.meta.dirname, '..');
/** The published JSON Schema. */
export const POLICY_SCHEMA_PATH = resolve(REPO_ROOT, 'docs', 'policy.schema.json');
/** IT's deployment guide, whose settings table is generated. */
export const DEPLOYMENT_DOC_PATH = resolve(REPO_ROOT, 'docs', 'deployment.md');
/** The command that rewrites both, named in the staleness test's failure. */
export const REGENERATE_COMMAND = 'npm run policy:schema';

const TABLE_BEGIN = `<!-- policy-keys:begin — generated from src/shared/settings.ts by ${REGENERATE_COMMAND}; do not edit by hand -->`;
const TABLE_END = '<!-- policy-keys:end -->';

/** One property of the generated schema, as the table reads it. */
interface PropertySchema {
  readonly type?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly maxItems?: number;
  /** A closed list of values (zod enums). */
  readonly enum?: readonly unknown[];
  readonly description?: string;
  readonly default?: unknown;
  /** A nullable setting (zod `.nullable()`): its own schema, then `{ type: 'null' }`. */
  readonly anyOf?: readonly PropertySchema[];
}

/**
 * The policy as JSON Schema. Draft-07 rather than zod's default 2020-12 because more validators IT may use read it
 * (older PowerShell `Test-Json`, many editor plug-ins); this flat schema needs nothing newer. Defaults come from
 * `SETTINGS_DEFAULTS` here, not from zod `.default()`, which would change what parsing returns.
 */
export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(SettingsLayer, { target: 'draft-07', io: 'input' }) as Record<string, unknown> & {
    properties: Record<string, Record<string, unknown>>;
  };
  const properties = Object.fromEntries(
    Object.entries(generated.properties).map(([key, property]) => [key, { ...property, default: SETTINGS_DEFAULTS[key as keyof typeof SETTINGS_DEFAULTS] }]),
  );
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'Clinic Protocol Assistant IT policy (policy.json)',
    description:
      'Every key is optional; each key set overrides the clinician settings file and is locked. Unknown keys are errors. ' +
      'URLs must be http(s). Not expressible here, and checked by `--validate-policy`: plain http to another machine ' +
      'needs allowInsecureHttp; sessionAbsoluteTimeoutMs >= sessionIdleTimeoutMs; maxOutputTokens + contextMarginTokens ' +
      `< contextLength; recoveryPublicKey must be a usable RSA key. Generated from src/shared/settings.ts by ${REGENERATE_COMMAND}.`,
    ...rest,
    properties,
  };
}

/** The exact text of docs/policy.schema.json. */
export function policySchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}

/** The markdown table of every policy key: type and bounds, default, meaning. */
export function policyKeysTable(): string {
  const properties = policyJsonSchema().properties as Record<string, PropertySchema>;
  const rows = Object.entries(properties).map(([key, property]) =>
    [`\`${key}\``, allowedValues(property), defaultText(key, property.default), property.description ?? ''].map(cell).join(' | '),
  );
  return ['| key | allowed values | default | meaning |', '| --- | --- | --- | --- |', ...rows.map((row) => `| ${row} |`)].join('\n');
}

/** `markdown` with the text between the table markers replaced by {@link policyKeysTable}. */
export function withPolicyKeysTable(markdown: string): string {
  const begin = markdown.indexOf(TABLE_BEGIN);
  const end = markdown.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`docs/deployment.md lacks the markers ${TABLE_BEGIN} … ${TABLE_END}`);
  return `${markdown.slice(0, begin + TABLE_BEGIN.length)}\n${policyKeysTable()}\n${markdown.slice(end)}`;
}

function allowedValues(property: PropertySchema): string {
  const nonNull = property.anyOf?.filter((option) => option.type !== 'null');
  if (nonNull?.length === 1 && property.anyOf?.length === 2) return `${allowedValues(nonNull[0]!)} or \`null\``;
  switch (property.type) {
    case 'boolean':
      return '`true` or `false`';
    case 'number':
      return `number, ${property.minimum}–${property.maximum}`;
    case 'integer':
      return `whole number, ${property.minimum}–${property.maximum}`;
    case 'array':
      return `list of up to ${property.maxItems} http(s) URLs`;
    case 'string':
      if (property.enum) return `one of ${property.enum.map((value) => `\`${JSON.stringify(value)}\``).join(', ')}`;
      return property.format === 'uri' ? 'http(s) URL' : `text, up to ${property.maxLength} characters`;
    default:
      throw new Error(`policySchema: no wording for JSON Schema type ${String(property.type)}; add it`);
  }
}

function defaultText(key: string, value: unknown): string {
  if (value === '') return 'empty';
  if (Array.isArray(value) && value.length === 0) return 'none';
  if (typeof value === 'number' && key.endsWith('Ms') && value >= 60_000) {
    const human = value % 3_600_000 === 0 ? `${value / 3_600_000} h` : `${value / 60_000} min`;
    return `\`${value}\` (${human})`;
  }
  return `\`${JSON.stringify(value)}\``;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** Rewrites both published files. */
function writePublishedFiles(): void {
  writeFileSync(POLICY_SCHEMA_PATH, policySchemaText());
  writeFileSync(DEPLOYMENT_DOC_PATH, withPolicyKeysTable(readFileSync(DEPLOYMENT_DOC_PATH, 'utf8')));
  console.log(`wrote ${POLICY_SCHEMA_PATH} and the policy table of ${DEPLOYMENT_DOC_PATH}`);
}

// Run only as the npm script, not when the test imports this module.
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) writePublishedFiles();
