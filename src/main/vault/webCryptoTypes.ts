import type { webcrypto } from 'node:crypto';

// Main's tsconfig has no DOM library, so WebCrypto's types are named from Node's declaration of the same API.

/** A WebCrypto key. The vault creates them non-extractable wherever it can: their bytes cannot be read back. */
export type CryptoKey = webcrypto.CryptoKey;
/** What a WebCrypto key may be used for. */
export type KeyUsage = webcrypto.KeyUsage;
/** AES-GCM parameters. */
export type AesGcmParams = webcrypto.AesGcmParams;
