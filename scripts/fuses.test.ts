import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FuseV1Options, FuseVersion, type flipFuses, type getCurrentFuseWire } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  applyFuses,
  electronBinaryPath,
  fuseMismatches,
  fuseSettings,
  readFlag,
  RELEASE_FUSES,
  STAND_IN_SKIP_MESSAGE,
  TEST_BUILD_FUSES,
  toFuseConfig,
  type FusePackContext,
  type FuseSettings,
} from './fuses';

type Flip = typeof flipFuses;
type ReadWire = typeof getCurrentFuseWire;

const ON = 0x31;
const OFF = 0x30;

/** What check 9 asks of a release build, written out independently of fuses.ts. */
const EXPECTED_RELEASE = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
};

function linuxContext(appOutDir = '/dist/linux-unpacked', electronDist?: string): FusePackContext {
  return {
    appOutDir,
    electronPlatformName: 'linux',
    packager: {
      appInfo: { productFilename: 'Clinic Protocol Assistant' },
      executableName: 'clinic-protocol-assistant',
      config: electronDist === undefined ? {} : { electronDist },
    },
  };
}

/** A fuse wire as `getCurrentFuseWire` returns it, with each fuse as `settings` asks. */
function wireFor(settings: FuseSettings): Awaited<ReturnType<ReadWire>> {
  const wire: Record<string, unknown> = { version: FuseVersion.V1 };
  for (const [name, value] of Object.entries(settings)) wire[FuseV1Options[name as keyof typeof FuseV1Options]] = value ? ON : OFF;
  return wire as Awaited<ReturnType<ReadWire>>;
}

describe('fuse settings', () => {
  it('release: every fuse as check 9 asks, and every fuse @electron/fuses knows decided', () => {
    expect(RELEASE_FUSES).toEqual(EXPECTED_RELEASE);
    const known = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));
    expect(Object.keys(RELEASE_FUSES).sort()).toEqual(known.sort());
    expect(fuseSettings(false)).toBe(RELEASE_FUSES);
  });

  it('test build: differs from release only in EnableNodeCliInspectArguments, which is on', () => {
    expect(fuseSettings(true)).toBe(TEST_BUILD_FUSES);
    expect(TEST_BUILD_FUSES).toEqual({ ...EXPECTED_RELEASE, EnableNodeCliInspectArguments: true });
    const differing = Object.keys(RELEASE_FUSES).filter(
      (name) => RELEASE_FUSES[name as keyof FuseSettings] !== TEST_BUILD_FUSES[name as keyof FuseSettings],
    );
    expect(differing).toEqual(['EnableNodeCliInspectArguments']);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(RELEASE_FUSES)).toBe(true);
    expect(Object.isFrozen(TEST_BUILD_FUSES)).toBe(true);
  });

  it('maps to the @electron/fuses wire indexes, resetting the ad-hoc signature on macOS only', () => {
    const linux = toFuseConfig(RELEASE_FUSES, 'linux');
    expect(linux).toEqual({
      version: FuseVersion.V1,
      resetAdHocDarwinSignature: false,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
    expect(toFuseConfig(RELEASE_FUSES, 'darwin').resetAdHocDarwinSignature).toBe(true);
    expect(toFuseConfig(RELEASE_FUSES, 'mas').resetAdHocDarwinSignature).toBe(true);
    expect(toFuseConfig(RELEASE_FUSES, 'win32').resetAdHocDarwinSignature).toBe(false);
    expect(toFuseConfig(TEST_BUILD_FUSES, 'win32')[FuseV1Options.EnableNodeCliInspectArguments]).toBe(true);
  });
});

describe('readFlag', () => {
  it('is on for 1 only, off when unset, empty or 0, and refuses anything else', () => {
    expect(readFlag({ X: '1' }, 'X')).toBe(true);
    expect(readFlag({}, 'X')).toBe(false);
    expect(readFlag({ X: '' }, 'X')).toBe(false);
    expect(readFlag({ X: '0' }, 'X')).toBe(false);
    for (const value of ['true', 'yes', ' 1', 'on']) expect(() => readFlag({ X: value }, 'X')).toThrow(/X must be 1 or unset/);
  });
});

describe('electronBinaryPath', () => {
  it('finds the executable as electron-builder names it on each platform', () => {
    expect(electronBinaryPath(linuxContext('/out/linux-unpacked'))).toBe(join('/out/linux-unpacked', 'clinic-protocol-assistant'));
    const other = (electronPlatformName: string): FusePackContext => ({ ...linuxContext('/o'), electronPlatformName });
    expect(electronBinaryPath(other('win32'))).toBe(join('/o', 'Clinic Protocol Assistant.exe'));
    expect(electronBinaryPath(other('darwin'))).toBe(join('/o', 'Clinic Protocol Assistant.app'));
    expect(electronBinaryPath(other('mas'))).toBe(join('/o', 'Clinic Protocol Assistant.app'));
    expect(() => electronBinaryPath(other('aix'))).toThrow(/unknown platform/);
  });
});

describe('fuseMismatches', () => {
  it('names each fuse whose state is not the one asked for', () => {
    expect(fuseMismatches(wireFor(RELEASE_FUSES), RELEASE_FUSES)).toEqual([]);
    expect(fuseMismatches(wireFor(TEST_BUILD_FUSES), RELEASE_FUSES)).toEqual(['EnableNodeCliInspectArguments: wanted off, binary has on']);
    const short: Record<string, unknown> = { ...wireFor(RELEASE_FUSES) };
    delete short[FuseV1Options.GrantFileProtocolExtraPrivileges];
    short[FuseV1Options.RunAsNode] = 0x72;
    expect(fuseMismatches(short, RELEASE_FUSES)).toEqual([
      'RunAsNode: wanted off, binary has removed from this Electron',
      'GrantFileProtocolExtraPrivileges: wanted off, binary has absent (the fuse wire is too short)',
    ]);
  });
});

describe('applyFuses (the afterPack step)', () => {
  it('without the stand-in flag, a failing flip throws and names the binary (the build fails)', async () => {
    const flip = vi.fn<Flip>().mockRejectedValue(new Error('Could not find sentinel in the provided Electron binary'));
    const readWire = vi.fn<ReadWire>();
    const log = vi.fn();
    await expect(applyFuses(linuxContext('/d'), { env: {}, flipFuses: flip, getCurrentFuseWire: readWire, log })).rejects.toThrow(
      `fuses: flipping failed on ${join('/d', 'clinic-protocol-assistant')}: Could not find sentinel`,
    );
    expect(flip).toHaveBeenCalledOnce();
    expect(readWire).not.toHaveBeenCalled();
  });

  it('without the flag, an electronDist alone does not skip: a stand-in binary still fails', async () => {
    const flip = vi.fn<Flip>().mockRejectedValue(new Error('no sentinel'));
    await expect(
      applyFuses(linuxContext('/d', '/tmp/stand-in'), { env: {}, flipFuses: flip, getCurrentFuseWire: vi.fn<ReadWire>(), log: vi.fn() }),
    ).rejects.toThrow(/flipping failed/);
  });

  it('with CPA_ELECTRON_STAND_IN=1 and an electronDist, skips and says so, touching nothing', async () => {
    const flip = vi.fn<Flip>();
    const readWire = vi.fn<ReadWire>();
    const log = vi.fn();
    const result = await applyFuses(linuxContext('/d', '/tmp/cpa-electron-standin-x'), {
      env: { CPA_ELECTRON_STAND_IN: '1' },
      flipFuses: flip,
      getCurrentFuseWire: readWire,
      log,
    });
    expect(result).toBe('skipped');
    expect(log).toHaveBeenCalledWith('fuses: skipped — stand-in Electron (CPA_ELECTRON_STAND_IN=1)');
    expect(STAND_IN_SKIP_MESSAGE).toBe('fuses: skipped — stand-in Electron (CPA_ELECTRON_STAND_IN=1)');
    expect(flip).not.toHaveBeenCalled();
    expect(readWire).not.toHaveBeenCalled();
  });

  it('refuses the stand-in flag when no electronDist is configured (a real Electron was packaged)', async () => {
    const flip = vi.fn<Flip>();
    await expect(
      applyFuses(linuxContext('/d'), { env: { CPA_ELECTRON_STAND_IN: '1' }, flipFuses: flip, getCurrentFuseWire: vi.fn<ReadWire>(), log: vi.fn() }),
    ).rejects.toThrow(/CPA_ELECTRON_STAND_IN=1 but no electronDist is configured/);
    expect(flip).not.toHaveBeenCalled();
  });

  it('refuses a malformed flag instead of guessing', async () => {
    await expect(applyFuses(linuxContext('/d', '/x'), { env: { CPA_ELECTRON_STAND_IN: 'true' }, log: vi.fn() })).rejects.toThrow(
      /CPA_ELECTRON_STAND_IN must be 1 or unset/,
    );
    await expect(applyFuses(linuxContext('/d'), { env: { CPA_TEST_BUILD: 'yes' }, log: vi.fn() })).rejects.toThrow(/CPA_TEST_BUILD must be 1 or unset/);
  });

  it('release: flips the release config into the binary and reads it back', async () => {
    const flip = vi.fn<Flip>().mockResolvedValue(1);
    const readWire = vi.fn<ReadWire>().mockResolvedValue(wireFor(RELEASE_FUSES));
    const log = vi.fn();
    const result = await applyFuses(linuxContext('/d'), { env: {}, flipFuses: flip, getCurrentFuseWire: readWire, log });
    expect(result).toBe('flipped');
    const binary = join('/d', 'clinic-protocol-assistant');
    expect(flip).toHaveBeenCalledWith(binary, toFuseConfig(RELEASE_FUSES, 'linux'));
    expect(readWire).toHaveBeenCalledWith(binary);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^fuses: release fuses flipped and read back on .*RunAsNode=off/));
  });

  it('test build (CPA_TEST_BUILD=1): flips the test config, with a warning', async () => {
    const flip = vi.fn<Flip>().mockResolvedValue(1);
    const log = vi.fn();
    await applyFuses(linuxContext('/d'), {
      env: { CPA_TEST_BUILD: '1' },
      flipFuses: flip,
      getCurrentFuseWire: vi.fn<ReadWire>().mockResolvedValue(wireFor(TEST_BUILD_FUSES)),
      log,
    });
    expect(flip).toHaveBeenCalledWith(join('/d', 'clinic-protocol-assistant'), toFuseConfig(TEST_BUILD_FUSES, 'linux'));
    expect(log).toHaveBeenCalledWith(expect.stringContaining('TEST BUILD'));
  });

  it('throws when the binary does not read back as set', async () => {
    const wrong = wireFor({ ...RELEASE_FUSES, OnlyLoadAppFromAsar: false });
    await expect(
      applyFuses(linuxContext('/d'), {
        env: {},
        flipFuses: vi.fn<Flip>().mockResolvedValue(1),
        getCurrentFuseWire: vi.fn<ReadWire>().mockResolvedValue(wrong),
        log: vi.fn(),
      }),
    ).rejects.toThrow(/does not read back as set:\n {2}OnlyLoadAppFromAsar: wanted on, binary has off/);
  });

  it('throws when reading back fails', async () => {
    await expect(
      applyFuses(linuxContext('/d'), {
        env: {},
        flipFuses: vi.fn<Flip>().mockResolvedValue(1),
        getCurrentFuseWire: vi.fn<ReadWire>().mockRejectedValue(new Error('EACCES')),
        log: vi.fn(),
      }),
    ).rejects.toThrow(/reading back the fuse wire .* failed: EACCES/);
  });
});

/** The real @electron/fuses on files, no injection. */
describe('applyFuses with the real @electron/fuses', () => {
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cpa-fuses-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails hard on a stand-in-like executable (no fuse wire)', async () => {
    writeFileSync(join(dir, 'clinic-protocol-assistant'), '#!/bin/sh\nexit 1\n');
    await expect(applyFuses(linuxContext(dir), { env: {}, log: vi.fn() })).rejects.toThrow(/flipping failed on .*sentinel/);
  });

  it('flips a synthetic fuse wire (Electron defaults, one fuse more than @electron/fuses knows) and reads it back', async () => {
    // Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, integrity off,
    // only-asar off, V8 snapshot off, file:// privileges on; a ninth fuse on.
    const binary = join(dir, 'clinic-protocol-assistant');
    const before = Buffer.concat([Buffer.from('\x7fELF…'), Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('101100011'), Buffer.from('…rest')]);
    writeFileSync(binary, before);
    const log = vi.fn();
    await expect(applyFuses(linuxContext(dir), { env: {}, log })).resolves.toBe('flipped');
    const after = readFileSync(binary);
    const wireStart = after.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect(after.subarray(wireStart, wireStart + 9).toString()).toBe('010011001');
    expect(after.length).toBe(before.length);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('fuse(s) 8 are unknown to @electron/fuses'));
  });
});

/** build/afterPack.mjs, as electron-builder loads it. */
describe('build/afterPack.mjs', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('loads scripts/fuses.ts and skips under the stand-in flag', async () => {
    vi.stubEnv('CPA_ELECTRON_STAND_IN', '1');
    vi.stubEnv('CPA_TEST_BUILD', '');
    const hookUrl = pathToFileURL(join(import.meta.dirname, '..', 'build', 'afterPack.mjs')).href;
    const hook = (await import(hookUrl)) as { default: (context: FusePackContext) => Promise<void> };
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await hook.default(linuxContext('/d', '/tmp/stand-in'));
      expect(log).toHaveBeenCalledWith(STAND_IN_SKIP_MESSAGE);
    } finally {
      log.mockRestore();
    }
  });

  it('throws through to electron-builder on a failing flip', async () => {
    vi.stubEnv('CPA_ELECTRON_STAND_IN', '');
    vi.stubEnv('CPA_TEST_BUILD', '');
    const dir = mkdtempSync(join(tmpdir(), 'cpa-fuses-hook-'));
    try {
      writeFileSync(join(dir, 'clinic-protocol-assistant'), 'not electron');
      const hookUrl = pathToFileURL(join(import.meta.dirname, '..', 'build', 'afterPack.mjs')).href;
      const hook = (await import(hookUrl)) as { default: (context: FusePackContext) => Promise<void> };
      await expect(hook.default(linuxContext(dir))).rejects.toThrow(/fuses: flipping failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
