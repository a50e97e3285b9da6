import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InsecureHarnessSecretStorage } from './insecureHarnessSecretStorage';

describe('InsecureHarnessSecretStorage', () => {
  it('reports the basic_text backend, so policies that refuse weak storage refuse it', () => {
    expect(new InsecureHarnessSecretStorage('/nowhere').backend()).toBe('basic_text');
  });

  it('finds its data again after a restart with the same data folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpa-standin-'));
    const sealed = await new InsecureHarnessSecretStorage(dir).encrypt('profile data key');
    expect(await new InsecureHarnessSecretStorage(dir).decrypt(sealed)).toBe('profile data key');
    const otherDir = await mkdtemp(join(tmpdir(), 'cpa-standin-'));
    await expect(new InsecureHarnessSecretStorage(otherDir).decrypt(sealed)).rejects.toThrow();
  });
});
