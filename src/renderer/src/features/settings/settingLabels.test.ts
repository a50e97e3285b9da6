import { describe, expect, it } from 'vitest';
import { defaultSettingsView } from '../../stores/testing/fakeApi';
import { settingRows } from './settingLabels';

describe('settingRows', () => {
  it('lists every setting the view holds, secrets only as configured or not, with the key that locks it', () => {
    const view = defaultSettingsView();
    const rows = settingRows({ ...view, values: { ...view.values, llmApiKeySet: true } });
    expect(rows).toHaveLength(Object.keys(view.values).length);
    expect(rows.find((row) => row.key === 'llmApiKeySet')).toEqual({ key: 'llmApiKeySet', policyKey: 'llmApiKey', label: 'Model server key', value: 'configured', setByPolicy: false });
    expect(rows.find((row) => row.key === 'sessionIdleTimeoutMs')?.value).toBe('30 min');
    expect(rows.find((row) => row.key === 'retentionDays')?.value).toBe('7 days');
  });

  it('says sync is off when no sync server is set, and shows the server and the workstation’s label when IT sets them', () => {
    const view = defaultSettingsView();
    const off = settingRows(view);
    expect(off.find((row) => row.key === 'syncServerUrl')).toEqual({
      key: 'syncServerUrl',
      policyKey: 'syncServerUrl',
      label: 'Clinic sync server',
      value: 'none: sync is off on this workstation',
      setByPolicy: false,
    });
    expect(off.find((row) => row.key === 'syncWorkstationLabel')?.value).toBe('the computer’s name');
    const on = settingRows({
      ...view,
      values: { ...view.values, syncServerUrl: 'https://sync.clinic.example/', syncWorkstationLabel: 'Triage 2' },
    });
    expect(on.find((row) => row.key === 'syncServerUrl')?.value).toBe('https://sync.clinic.example/');
    expect(on.find((row) => row.key === 'syncWorkstationLabel')).toMatchObject({ policyKey: 'syncWorkstationLabel', value: 'Triage 2' });
    expect(on.find((row) => row.key === 'syncPullIntervalSeconds')?.value).toBe('every 60 s');
  });

  it('marks no setting as set by IT when no policy is loaded', () => {
    const rows = settingRows(defaultSettingsView());
    expect(rows.filter((row) => row.setByPolicy)).toEqual([]);
  });

  it('marks exactly the settings the loaded policy sets, a secret by the key IT writes in the policy', () => {
    const rows = settingRows({ ...defaultSettingsView(), lockedByPolicy: ['retentionDays', 'llmApiKey'] });
    expect(rows.filter((row) => row.setByPolicy).map((row) => row.key).sort()).toEqual(['llmApiKeySet', 'retentionDays']);
  });
});
