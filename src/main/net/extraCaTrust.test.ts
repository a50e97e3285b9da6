import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/configError';
import { chainTrustedByExtraCas, parseExtraCas, pemBlocks } from './extraCaTrust';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'certs', name), 'utf8');
const root = fixture('ca.pem');
const intermediate = fixture('int.pem');
const leaf = fixture('leaf.pem');
const shortLived = fixture('short-lived.pem');
const otherRoot = fixture('other.pem');
const NOW = new Date('2026-11-25T12:00:00.000Z');

describe("the policy's extra certificate authorities", () => {
  it('accepts CA certificates and names every entry that is not one', () => {
    expect(parseExtraCas([root, otherRoot])).toHaveLength(2);
    try {
      parseExtraCas([root, leaf, 'not a certificate']);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'extraCaCertificates[1]: is not a certificate authority (basicConstraints CA:TRUE)',
        'extraCaCertificates[2]: is not a PEM X.509 certificate',
      ]);
    }
  });

  it('splits an environment value holding several PEM blocks', () => {
    expect(pemBlocks(`${root}\n${otherRoot}`)).toHaveLength(2);
    expect(pemBlocks('nothing here')).toEqual([]);
  });

  it('trusts a server chain (leaf → intermediate) that leads to an extra CA, for the name the leaf carries', () => {
    const cas = parseExtraCas([root]);
    expect(chainTrustedByExtraCas([leaf, intermediate], 'llm.clinic.test', cas, NOW)).toBe(true);
    // The server may send the root too.
    expect(chainTrustedByExtraCas([leaf, intermediate, root], 'llm.clinic.test', cas, NOW)).toBe(true);
    // Trusting the intermediate directly also works.
    expect(chainTrustedByExtraCas([leaf], 'llm.clinic.test', parseExtraCas([intermediate]), NOW)).toBe(true);
  });

  it('refuses everything else: another name, another CA, a missing link, an expired certificate, no extra CA', () => {
    const cas = parseExtraCas([root]);
    expect(chainTrustedByExtraCas([leaf, intermediate], 'llm.clinic.evil', cas, NOW)).toBe(false);
    expect(chainTrustedByExtraCas([leaf, intermediate], 'llm.clinic.test', parseExtraCas([otherRoot]), NOW)).toBe(false);
    expect(chainTrustedByExtraCas([leaf], 'llm.clinic.test', cas, NOW)).toBe(false);
    expect(chainTrustedByExtraCas([leaf, otherRoot], 'llm.clinic.test', cas, NOW)).toBe(false);
    expect(chainTrustedByExtraCas([shortLived, intermediate], 'llm.clinic.test', cas, new Date('2027-06-01T00:00:00.000Z'))).toBe(false);
    expect(chainTrustedByExtraCas([leaf, intermediate], 'llm.clinic.test', [], NOW)).toBe(false);
    expect(chainTrustedByExtraCas(['garbage'], 'llm.clinic.test', cas, NOW)).toBe(false);
  });
});
