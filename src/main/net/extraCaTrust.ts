import { X509Certificate } from 'node:crypto';
import { ConfigError } from '../core/configError';

/** Largest number of certificate authorities a policy may add. */
export const MAX_EXTRA_CAS = 16;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM certificate blocks in `text` (an environment variable may hold several, one after another). */
export function pemBlocks(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}

/**
 * Parses the policy's `extraCaCertificates`: each must be one X.509 certificate of a certificate authority.
 * Throws {@link ConfigError} naming every entry that is not — a bad trust anchor must stop start-up, never be
 * skipped silently (the model server would then fail later with a TLS error nobody can explain).
 */
export function parseExtraCas(pems: readonly string[]): X509Certificate[] {
  const problems: string[] = [];
  const cas: X509Certificate[] = [];
  pems.forEach((pem, index) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch {
      problems.push(`extraCaCertificates[${index}]: is not a PEM X.509 certificate`);
      return;
    }
    if (!certificate.ca) problems.push(`extraCaCertificates[${index}]: is not a certificate authority (basicConstraints CA:TRUE)`);
    else cas.push(certificate);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return cas;
}

function validAt(certificate: X509Certificate, now: Date): boolean {
  return Date.parse(certificate.validFrom) <= now.getTime() && now.getTime() <= Date.parse(certificate.validTo);
}

/** True when `issuer` issued and signed `certificate` and may issue certificates. */
function issued(issuer: X509Certificate, certificate: X509Certificate): boolean {
  // `a.checkIssued(b)` reads "a was issued by b" (names and key identifiers); the signature is checked apart.
  return issuer.ca && certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

/**
 * Whether a server's certificate chain (leaf first, PEM) is trusted through one of `extraCas`: the leaf names
 * `hostname`, every certificate is valid at `now`, each is signed by the next, and one of them is signed by an
 * extra CA (which must be valid too). Used only for chains the OS trust store did not accept: it adds trust
 * anchors, it never relaxes any other check.
 */
export function chainTrustedByExtraCas(chainPems: readonly string[], hostname: string, extraCas: readonly X509Certificate[], now: Date): boolean {
  if (extraCas.length === 0 || chainPems.length === 0) return false;
  let chain: X509Certificate[];
  try {
    chain = chainPems.map((pem) => new X509Certificate(pem));
  } catch {
    return false;
  }
  const leaf = chain[0] as X509Certificate;
  if (leaf.checkHost(hostname) === undefined) return false;
  for (const [index, certificate] of chain.entries()) {
    if (!validAt(certificate, now)) return false;
    if (extraCas.some((ca) => validAt(ca, now) && issued(ca, certificate))) return true;
    const next = chain[index + 1];
    if (!next || !issued(next, certificate)) return false;
  }
  return false;
}
