/**
 * @module API key tokens: `bv_<keyId>_<secret>`, a 16-hex-digit id and a 256-bit secret in
 * base64url. Only the secret's SHA-256 is stored: the secret is random, so a slow hash adds
 * nothing, and the token is shown once, to whoever created it.
 */
import { toBase64url } from '../lib/base64.ts';

const TOKEN = /^bv_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

export const hashSecret = async (secret: string) =>
  hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret))));

/** A new key's id, its token (to show once) and the hash to store. */
export async function newApiKeyToken(): Promise<{ keyId: string; token: string; secretHash: string }> {
  const keyId = hex(crypto.getRandomValues(new Uint8Array(8)));
  const secret = toBase64url(crypto.getRandomValues(new Uint8Array(32)));
  return { keyId, token: `bv_${keyId}_${secret}`, secretHash: await hashSecret(secret) };
}

/** The key id and secret of a token, or undefined when it is not one. */
export function parseApiKeyToken(token: string): { keyId: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}
