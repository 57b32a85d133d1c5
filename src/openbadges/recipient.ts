/** @module Recipient identities: salted hashes as Open Badges 2.0 defines them (`sha256$hex`, `md5$hex`). */

export type RecipientClaim = { type: string; identity: string };
export type StoredRecipient = { recipientType: string; recipientHashed: boolean; recipientIdentity: string; recipientSalt: string | null };

const ALGORITHMS = { sha256: 'SHA-256', md5: 'MD5' } as const; // workerd's WebCrypto digests MD5 too
type Algorithm = keyof typeof ALGORITHMS;

async function hexDigest(algorithm: Algorithm, text: string): Promise<string> {
  const digest = await crypto.subtle.digest(ALGORITHMS[algorithm], new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `sha256$` + hex(sha256(identity + salt)), the form stored and published. */
export async function hashIdentity(identity: string, salt: string, algorithm: Algorithm = 'sha256'): Promise<string> {
  return `${algorithm}$${await hexDigest(algorithm, identity + salt)}`;
}

/** A random salt, 16 bytes as hex. */
export function newSalt(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Spellings tried for a claimed identity: as given (trimmed) and, for e-mail, lower-cased,
 * since issuers commonly hash the normalised address.
 */
function candidates(claim: RecipientClaim): string[] {
  const trimmed = claim.identity.trim();
  return claim.type === 'email' && trimmed !== trimmed.toLowerCase() ? [trimmed, trimmed.toLowerCase()] : [trimmed];
}

/** Whether `claim` is the recipient: same type, and the salted hash (any hex case) matches. */
export async function recipientMatches(stored: StoredRecipient, claim: RecipientClaim): Promise<boolean> {
  if (stored.recipientType !== claim.type) return false;
  if (!stored.recipientHashed) return candidates(claim).includes(stored.recipientIdentity);
  const match = /^(sha256|md5)\$([0-9a-f]+)$/i.exec(stored.recipientIdentity);
  if (!match) return false;
  const algorithm = match[1]!.toLowerCase() as Algorithm;
  const expected = match[2]!.toLowerCase();
  for (const identity of candidates(claim)) {
    if ((await hexDigest(algorithm, identity + (stored.recipientSalt ?? ''))) === expected) return true;
  }
  return false;
}
