/**
 * @module Public keys as DID documents and key documents write them (multibase, base58, JWK, PEM),
 * imported once into WebCrypto, and the signature check each algorithm needs.
 */
import { fromBase64, toBase64url } from '../lib/base64.ts';
import { rawPublicKeyOf } from './keys.ts';
import { fromBase58btc } from './multibase.ts';

/** JOSE algorithm names: what the key verifies. */
export type KeyAlgorithm = 'EdDSA' | 'ES256' | 'RS256';
export type VerifierKey = { algorithm: KeyAlgorithm; key: CryptoKey; jwk: JsonWebKey };

const IMPORT: Record<KeyAlgorithm, Parameters<typeof crypto.subtle.importKey>[2]> = {
  EdDSA: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
};
const VERIFY: Record<KeyAlgorithm, Parameters<typeof crypto.subtle.verify>[0]> = {
  EdDSA: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
};

function algorithmOfJwk(jwk: JsonWebKey): KeyAlgorithm | undefined {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'RS256';
  return undefined;
}

/** A public JWK (private members dropped) as a verifier key; undefined for a kind not supported. */
export async function keyOfJwk(supplied: unknown): Promise<VerifierKey | undefined> {
  if (!supplied || typeof supplied !== 'object') return undefined;
  const { kty, crv, x, y, n, e } = supplied as Record<string, string | undefined>;
  const jwk = Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => typeof v === 'string'),
  ) as unknown as JsonWebKey;
  const algorithm = algorithmOfJwk(jwk);
  if (!algorithm) return undefined;
  try {
    return { algorithm, jwk, key: await crypto.subtle.importKey('jwk', jwk, IMPORT[algorithm], true, ['verify']) };
  } catch {
    return undefined;
  }
}

/** An Ed25519 key from its 32 raw bytes. */
export const keyOfEd25519 = (raw: Uint8Array) => keyOfJwk({ kty: 'OKP', crv: 'Ed25519', x: toBase64url(raw) });

/** An RSA (or EC) key from SPKI PEM, as OB 2.0 `CryptographicKey.publicKeyPem` gives it. */
async function keyOfPem(pem: string): Promise<VerifierKey | undefined> {
  const body = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem)?.[1];
  if (!body) return undefined;
  const der = fromBase64(body.replace(/\s+/g, ''));
  for (const algorithm of ['RS256', 'ES256'] as const) {
    try {
      const key = await crypto.subtle.importKey('spki', der, IMPORT[algorithm], true, ['verify']);
      return { algorithm, key, jwk: (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey };
    } catch {}
  }
  return undefined;
}

/**
 * The key a verification method carries: `publicKeyMultibase` (Multikey, Ed25519VerificationKey2020:
 * Ed25519 with its multicodec prefix), `publicKeyBase58` (Ed25519VerificationKey2018), `publicKeyJwk`,
 * or `publicKeyPem`; undefined when it carries none this verifier supports.
 */
export async function keyOfMethod(method: Record<string, unknown>): Promise<VerifierKey | undefined> {
  const { publicKeyMultibase, publicKeyBase58, publicKeyJwk, publicKeyPem } = method;
  if (typeof publicKeyMultibase === 'string') {
    const raw = rawPublicKeyOf(publicKeyMultibase);
    return raw && keyOfEd25519(raw);
  }
  if (typeof publicKeyBase58 === 'string') {
    const raw = fromBase58btc(`z${publicKeyBase58}`);
    return raw?.length === 32 ? keyOfEd25519(raw) : undefined;
  }
  if (publicKeyJwk) return keyOfJwk(publicKeyJwk);
  if (typeof publicKeyPem === 'string') return keyOfPem(publicKeyPem);
  return undefined;
}

/** Whether `signature` over `data` verifies with `key` (ES256 signatures are IEEE P1363, as JOSE writes them). */
export function verifyWith(key: VerifierKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return crypto.subtle.verify(VERIFY[key.algorithm], key.key, signature, data).catch(() => false);
}
