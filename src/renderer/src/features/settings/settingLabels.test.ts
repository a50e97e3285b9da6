import { describe, expect, it } from 'vitest';
import { defaultSettingsView } from '../../stores/testing/fakeApi';
import { settingRows } from './settingLabels';

describe('settingRows', () => {
  it('lists every setting the view holds, secrets only as configured or not, with the key that locks it', () => {
    const view = defaultSettingsView();
    const rows = settingRows({ ...view, values: { ...view.values, llmApiKeySet: true } });
    expect(rows).toHaveLength(Object.keys(view.values).length);
    expect(rows.find((row) => row.key === 'llmApiKeySet')).toEqual({ key: 'llmApiKeySet', policyKey: 'llmApiKey', label: 'Model server key', value: 'configured' });
    expect(rows.find((row) => row.key === 'sessionIdleTimeoutMs')?.value).toBe('30 min');
    expect(rows.find((row) => row.key === 'retentionDays')?.value).toBe('7 days');
  });
});
