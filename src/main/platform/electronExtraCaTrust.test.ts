import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Certificate, Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { parseExtraCas } from '../net/extraCaTrust';
import { trustExtraCertificateAuthorities } from './electronExtraCaTrust';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'certs', name), 'utf8');

type VerifyProc = (request: { hostname: string; certificate: Certificate; errorCode: number }, callback: (verdict: number) => void) => void;

/** A session that only records the verify proc it is given (Electron itself cannot run here). */
function fakeSession(): { session: Session; proc: () => VerifyProc | null } {
  let installed: VerifyProc | null = null;
  const session = { setCertificateVerifyProc: (proc: VerifyProc) => (installed = proc) } as unknown as Session;
  return { session, proc: () => installed };
}

/** Electron's certificate chain object: leaf → issuer → … */
function chain(...pems: string[]): Certificate {
  const [first, ...rest] = pems;
  return { data: first!, fingerprint: first!.slice(40, 80), issuerCert: rest.length > 0 ? chain(...rest) : (undefined as never) } as unknown as Certificate;
}

function verdict(proc: VerifyProc, hostname: string, certificate: Certificate, errorCode: number): number {
  let answer = Number.NaN;
  proc({ hostname, certificate, errorCode }, (value) => (answer = value));
  return answer;
}

describe('extra certificate authorities in the Electron session', () => {
  it('installs nothing without extra CAs', () => {
    const { session, proc } = fakeSession();
    trustExtraCertificateAuthorities(session, []);
    expect(proc()).toBeNull();
  });

  it("keeps Chromium's verdict for what it accepted or what does not lead to an extra CA, and trusts only a chain that does", () => {
    const { session, proc } = fakeSession();
    trustExtraCertificateAuthorities(session, parseExtraCas([fixture('ca.pem')]));
    const verify = proc()!;
    const serverChain = chain(fixture('leaf.pem'), fixture('int.pem'));
    const USE_CHROMIUM_RESULT = -3;
    const AUTHORITY_INVALID = -202;
    expect(verdict(verify, 'llm.clinic.test', serverChain, 0)).toBe(USE_CHROMIUM_RESULT);
    expect(verdict(verify, 'llm.clinic.test', serverChain, AUTHORITY_INVALID)).toBe(0);
    expect(verdict(verify, 'other.clinic.test', serverChain, AUTHORITY_INVALID)).toBe(USE_CHROMIUM_RESULT);
    expect(verdict(verify, 'llm.clinic.test', chain(fixture('leaf.pem'), fixture('other.pem')), AUTHORITY_INVALID)).toBe(USE_CHROMIUM_RESULT);
    // Any other refusal (here net::ERR_CERT_REVOKED, -206) stands, even for a chain that leads to an extra CA.
    expect(verdict(verify, 'llm.clinic.test', serverChain, -206)).toBe(USE_CHROMIUM_RESULT);
  });
});
