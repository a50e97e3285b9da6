import type { X509Certificate } from 'node:crypto';
import type { Certificate, Session } from 'electron';
import { chainTrustedByExtraCas } from '../net/extraCaTrust';

/** Chromium's verdicts for `setCertificateVerifyProc`: 0 trusts, -3 keeps Chromium's own verification result. */
const TRUST = 0;
const USE_CHROMIUM_RESULT = -3;
/** net::ERR_CERT_AUTHORITY_INVALID: the one refusal an extra trust anchor can answer. */
const AUTHORITY_INVALID = -202;

/** The chain Chromium hands over, leaf first, as PEM. */
function chainOf(certificate: Certificate): string[] {
  const chain: string[] = [];
  for (let current: Certificate | undefined = certificate; current && chain.length < 10; current = current.issuerCert) {
    chain.push(current.data);
    if (current.issuerCert?.fingerprint === current.fingerprint) break;
  }
  return chain;
}

/**
 * Adds IT's extra certificate authorities (policy `extraCaCertificates`) as trust anchors for `session`'s TLS, which
 * main's `net.fetch` to the model server uses. Chromium verifies first; only a chain it refused for an unknown issuer is looked at again,
 * and it is trusted only when it leads to one of `cas` for the requested host (name, dates, signatures checked in
 * net/extraCaTrust.ts). Nothing else is relaxed: every other refusal stands.
 */
export function trustExtraCertificateAuthorities(session: Session, cas: readonly X509Certificate[]): void {
  if (cas.length === 0) return;
  session.setCertificateVerifyProc((request, callback) => {
    // Only "unknown issuer" is looked at again: a revoked certificate, a weak signature or a name-constraint
    // violation stays refused whatever CA issued it.
    if (request.errorCode !== AUTHORITY_INVALID) {
      callback(USE_CHROMIUM_RESULT);
      return;
    }
    callback(chainTrustedByExtraCas(chainOf(request.certificate), request.hostname, cas, new Date()) ? TRUST : USE_CHROMIUM_RESULT);
  });
}
