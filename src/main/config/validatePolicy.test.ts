import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itOnPosix } from '../../../test/support/posixOnly';
import { RecordedWindows, SDDL } from '../../../test/fakes/recordedWindows';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './commandLine';
import { POLICY_INVALID, POLICY_VALID, runPolicyValidation, validatePolicy } from './validatePolicy';

/** Writes `content` (an object as JSON, or raw text) to a fresh policy file and returns its path. */
async function policyFile(content: unknown): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'cpa-validate-')), 'policy.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o644 });
  // An explicit mode, whatever the umask: the ownership warning depends on it.
  await chmod(path, 0o644);
  return path;
}

// A file in a folder IT locked down (recorded Windows permissions), so these cases see only what the content causes.
const noOwnershipRule = { platform: 'win32', windows: new RecordedWindows() } as const;

describe('validatePolicy', () => {
  it('accepts a valid policy and lists the settings it sets on one stdout line', async () => {
    const path = await policyFile({ llmBaseUrl: 'https://llm.clinic.example/v1', model: 'm', retentionDays: 30 });
    expect(await validatePolicy(path, noOwnershipRule)).toEqual({
      exitCode: POLICY_VALID,
      stdout: [`policy ${path}: valid (3 settings set: llmBaseUrl, model, retentionDays)`],
      stderr: [],
    });
  });

  it('accepts an empty policy', async () => {
    const path = await policyFile({});
    expect((await validatePolicy(path, noOwnershipRule)).stdout).toEqual([`policy ${path}: valid (0 settings set)`]);
  });

  it('names an unknown key', async () => {
    const path = await policyFile({ temprature: 0.3 });
    expect(await validatePolicy(path, noOwnershipRule)).toEqual({
      exitCode: POLICY_INVALID,
      stdout: [],
      stderr: [`policy ${path}: temprature: unknown setting`],
    });
  });

  it('reports every problem, one line each, naming its setting', async () => {
    const path = await policyFile({
      temperature: 5,
      maxRetries: 'two',
      idleLockMinutes: 1.5,
      llmFallbackUrls: ['https://a.example/v1', 'ftp://b.example'],
      colour: 'blue',
      size: 3,
    });
    const { exitCode, stderr, stdout } = await validatePolicy(path, noOwnershipRule);
    expect(exitCode).toBe(POLICY_INVALID);
    expect(stdout).toEqual([]);
    expect(stderr).toHaveLength(6);
    const byKey = (key: string): string | undefined => stderr.find((line) => line.startsWith(`policy ${path}: ${key}: `));
    // The bound, not "must be a number": the value is a number, just too big.
    expect(byKey('temperature')).toContain('<=2');
    expect(byKey('maxRetries')).toContain('maxRetries must be a number');
    expect(byKey('idleLockMinutes')).toBeDefined();
    expect(byKey('llmFallbackUrls[1]')).toContain('http(s) URL');
    expect(byKey('colour')).toContain('unknown setting');
    expect(byKey('size')).toContain('unknown setting');
  });

  it('checks the rules across settings, with the ones the policy leaves unset at their defaults', async () => {
    const path = await policyFile({ llmBaseUrl: 'http://10.1.2.3:8000/v1', contextLength: 1024 });
    const { exitCode, stderr } = await validatePolicy(path, noOwnershipRule);
    expect(exitCode).toBe(POLICY_INVALID);
    expect(stderr).toHaveLength(2);
    expect(stderr[0]).toMatch(/^policy .*: llmBaseUrl: .*allowInsecureHttp/);
    expect(stderr[1]).toMatch(/^policy .*: maxOutputTokens: .*contextLength/);
  });

  it('refuses a recovery key start-up would refuse, and accepts a usable one', async () => {
    const bad = await policyFile({ recoveryPublicKey: 'not a key' });
    expect((await validatePolicy(bad, noOwnershipRule)).stderr).toEqual([
      expect.stringMatching(/^policy .*: recoveryPublicKey: must be an RSA public key of at least 2048 bits/),
    ]);
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const good = await policyFile({ recoveryPublicKey: publicKey.export({ type: 'spki', format: 'pem' }) });
    expect((await validatePolicy(good, noOwnershipRule)).exitCode).toBe(POLICY_VALID);
  });

  it('refuses an extra certificate that is not a CA, as start-up would, and accepts a CA', async () => {
    const certs = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'certs');
    const [ca, leaf] = await Promise.all([readFile(join(certs, 'ca.pem'), 'utf8'), readFile(join(certs, 'leaf.pem'), 'utf8')]);
    const bad = await policyFile({ extraCaCertificates: [ca, leaf] });
    expect((await validatePolicy(bad, noOwnershipRule)).stderr).toEqual([
      expect.stringMatching(/^policy .*: extraCaCertificates\[1\]: is not a certificate authority/),
    ]);
    expect((await validatePolicy(await policyFile({ extraCaCertificates: [ca], updates: 'off', crashReporting: false }), noOwnershipRule)).exitCode).toBe(
      POLICY_VALID,
    );
    expect((await validatePolicy(await policyFile({ updates: 'nightly', crashReporting: true }), noOwnershipRule)).stderr).toEqual([
      expect.stringMatching(/updates: updates must be 'off'/),
      expect.stringMatching(/crashReporting: crashReporting must be false/),
    ]);
  });

  it('says when the file is not JSON', async () => {
    const path = await policyFile('{ "temperature": 0.3,');
    expect(await validatePolicy(path, noOwnershipRule)).toEqual({
      exitCode: POLICY_INVALID,
      stdout: [],
      stderr: [`policy ${path}: is not valid JSON`],
    });
  });

  it('says when the JSON is not an object of settings', async () => {
    const path = await policyFile([{ temperature: 0.3 }]);
    expect((await validatePolicy(path, noOwnershipRule)).stderr).toEqual([`policy ${path}: must be a JSON object of settings`]);
  });

  it('says when the file is missing', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cpa-validate-')), 'absent.json');
    expect(await validatePolicy(path, noOwnershipRule)).toEqual({
      exitCode: POLICY_INVALID,
      stdout: [],
      stderr: [`policy ${path}: cannot be read (ENOENT)`],
    });
  });

  itOnPosix('warns, without failing, when an installed app would refuse the file for its mode', async () => {
    const path = await policyFile({ model: 'm' });
    await chmod(path, 0o666);
    const result = await validatePolicy(path, { platform: 'linux' });
    expect(result.exitCode).toBe(POLICY_VALID);
    expect(result.stderr).toEqual([
      expect.stringMatching(/^warning: policy .*: the file must be owned by root and writable only by its owner \(now owner uid \d+, mode 666\)/),
    ]);
  });

  itOnPosix('warns about a file not owned by root exactly when the tests do not run as root', async () => {
    const path = await policyFile({ model: 'm' });
    const { stderr } = await validatePolicy(path, { platform: 'linux' });
    expect(stderr).toHaveLength(process.getuid?.() === 0 ? 0 : 1);
  });
});

describe('validatePolicy on Windows', () => {
  it('warns, without failing, when the folder keeps its default ProgramData permissions, as start-up would refuse it', async () => {
    const path = await policyFile({ model: 'm' });
    const windows = new RecordedWindows({ acl: { folder: SDDL.defaultFolder, file: SDDL.lockedDownFile } });
    const result = await validatePolicy(path, { platform: 'win32', windows });
    expect(result.exitCode).toBe(POLICY_VALID);
    expect(result.stderr).toEqual([
      expect.stringMatching(/^warning: policy .*: its folder .* lets CREATOR OWNER \(S-1-3-0\) change it .*; an installed app refuses it at start-up$/),
      expect.stringMatching(/^warning: policy .*: its folder .* lets Users \(S-1-5-32-545\) change it \(A;CIID;DCLCRPCR;;;BU\); an installed app refuses it at start-up$/),
    ]);
  });

  it('warns when the permissions cannot be read at all', async () => {
    const path = await policyFile({ model: 'm' });
    const windows = new RecordedWindows({ acl: Object.assign(new Error('Command failed'), { code: 1 }) });
    expect((await validatePolicy(path, { platform: 'win32', windows })).stderr).toEqual([
      expect.stringMatching(/^warning: policy .*: its permissions could not be read \(PowerShell failed: exit code 1\); an installed app refuses it at start-up$/),
    ]);
  });
});

describe('runPolicyValidation', () => {
  it('prints problems on stderr, the valid line on stdout, and returns the exit code', async () => {
    const written = { stdout: '', stderr: '' };
    const stream = (name: keyof typeof written) => ({
      write(text: string, callback: (error?: Error | null) => void) {
        written[name] += text;
        callback();
      },
    });
    const streams = { stdout: stream('stdout'), stderr: stream('stderr') };
    const bad = await policyFile({ maxRetries: 9, extra: true });
    expect(await runPolicyValidation(bad, streams)).toBe(2);
    expect(written.stderr.trimEnd().split('\n')).toHaveLength(2);
    expect(written.stdout).toBe('');
  });
});

describe('--validate-policy on the command line', () => {
  it('is parsed among the switches Electron and Chromium add', () => {
    expect(parseCommandLine(['/opt/app/app', '--no-sandbox', '--validate-policy', '/tmp/p.json']).validatePolicy).toBe('/tmp/p.json');
    expect(parseCommandLine(['/opt/app/app']).validatePolicy).toBeNull();
  });
});
