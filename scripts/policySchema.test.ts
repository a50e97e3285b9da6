import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS_DEFAULTS, SettingsFields } from '../src/shared/settings';
import {
  DEPLOYMENT_DOC_PATH,
  POLICY_SCHEMA_PATH,
  REGENERATE_COMMAND,
  policyJsonSchema,
  policyKeysTable,
  policySchemaText,
  withPolicyKeysTable,
} from './policySchema';

const SETTING_KEYS = Object.keys(SettingsFields.shape);

describe('the published IT policy schema', () => {
  it('docs/policy.schema.json is what the app validates with', () => {
    expect(readFileSync(POLICY_SCHEMA_PATH, 'utf8'), `docs/policy.schema.json is out of date: run ${REGENERATE_COMMAND}`).toBe(policySchemaText());
  });

  it('the settings table in docs/deployment.md is up to date', () => {
    const doc = readFileSync(DEPLOYMENT_DOC_PATH, 'utf8');
    expect(doc, `the policy table in docs/deployment.md is out of date: run ${REGENERATE_COMMAND}`).toBe(withPolicyKeysTable(doc));
  });

  it('refuses unknown keys and makes every key optional, as the app does', () => {
    const schema = policyJsonSchema();
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toBeUndefined();
  });

  it('names every setting, each with a description and its default', () => {
    const properties = policyJsonSchema().properties as Record<string, { description?: string; default?: unknown }>;
    expect(Object.keys(properties)).toEqual(SETTING_KEYS);
    for (const key of SETTING_KEYS) {
      expect(properties[key]!.description, `${key} has a description`).toMatch(/\S{3}/);
      expect(properties[key]!.default, `${key} has its default`).toEqual(SETTINGS_DEFAULTS[key as keyof typeof SETTINGS_DEFAULTS]);
    }
  });

  it('has one table row per setting', () => {
    const rows = policyKeysTable().split('\n').slice(2);
    expect(rows.map((row) => /^\| `(\w+)` \|/.exec(row)?.[1])).toEqual(SETTING_KEYS);
  });

  it('refuses a deployment guide that lost its table markers', () => {
    expect(() => withPolicyKeysTable('# no markers here\n')).toThrow('markers');
  });
});
