/**
 * @module Issuer signing keys in data access: made on an issuer's first credential (or by
 * rotation), stored encrypted, opened only to sign. The issuer record names its current key and
 * is written through like any other write; private keys never leave this module unencrypted and
 * are never cached.
 */
import { importKeyEncryptionKey, newSigningKey, openSigningKey } from '../../credentials/keys.ts';
import { loadIssuerKey, loadIssuers } from '../../db/queries.ts';
import type { IssuerRecord } from '../../db/records.ts';
import * as writes from '../../db/writes.ts';
import { DomainError } from '../../lib/errors.ts';
import { readQuery } from '../query.ts';
import type { DataScope } from '../scope.ts';
import { by, type WriteResult, writeIssuerRecord } from '../write/records.ts';

const keyEncryptionKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

/** The key-encryption key of this deployment; `unavailable` when none is configured. */
function keyEncryptionKey(scope: DataScope): Promise<CryptoKey> {
  const secret = scope.deps.config.credentialKeySecret;
  if (!secret)
    throw new DomainError('unavailable', 'credentials_disabled', 'OB 3.0 credentials are off: CREDENTIAL_KEY_SECRET is not configured.');
  let key = keyEncryptionKeys.get(secret);
  if (!key) {
    key = importKeyEncryptionKey(secret);
    keyEncryptionKeys.set(secret, key);
  }
  return key;
}

/** A new current key for the issuer; with `onlyIfNone`, kept only if the issuer had none (else the record as it is). */
export async function setNewSigningKey(
  scope: DataScope,
  issuerId: string,
  onlyIfNone: boolean,
  writer?: writes.Writer,
): Promise<WriteResult<IssuerRecord>> {
  const key = await newSigningKey(issuerId, await keyEncryptionKey(scope));
  const written = by(writer, 'issuer.rotate-key');
  try {
    return await writeIssuerRecord(scope, (db) => writes.setSigningKey(db, issuerId, key, onlyIfNone, written), written);
  } catch (error) {
    if (!onlyIfNone || !(error instanceof DomainError) || error.kind !== 'not_found') throw error;
    // Another request gave the issuer its first key meanwhile: that one is current.
    const [current] = await readQuery(scope, (db) => loadIssuers(db, [issuerId]), scope.deps.db);
    if (!current?.signingKeyId) throw error;
    return { ...current, cache: { redis: 'off', edge: 'off' } };
  }
}

/** The issuer record with a current signing key: as it is, or as its first key made it (a new version). */
export async function withSigningKey(scope: DataScope, issuer: IssuerRecord): Promise<IssuerRecord & { signingKeyId: string }> {
  if (issuer.signingKeyId) return issuer as IssuerRecord & { signingKeyId: string };
  const { cache: _, ...updated } = await setNewSigningKey(scope, issuer.id, true);
  return updated as IssuerRecord & { signingKeyId: string };
}

/**
 * Private keys opened in this isolate, by key-encryption key, then issuer and key id. A key id names
 * one key forever (it is the public key), so an opened key never goes stale; it is not extractable
 * and never leaves isolate memory. Bounded: the oldest goes first.
 */
const openedKeys = new WeakMap<CryptoKey, Map<string, Promise<CryptoKey>>>();
const OPENED_KEYS_MAX = 256;

/** Key `keyId` of `issuerId` from this isolate's memory, else unsealed from `ciphertext()` and kept. */
async function opened(scope: DataScope, issuerId: string, keyId: string, ciphertext: () => Promise<Uint8Array>): Promise<CryptoKey> {
  const kek = await keyEncryptionKey(scope);
  const keys = openedKeys.get(kek) ?? new Map<string, Promise<CryptoKey>>();
  openedKeys.set(kek, keys);
  const name = `${issuerId}\n${keyId}`;
  const kept = keys.get(name);
  if (kept) return kept;
  const opening = ciphertext().then((sealed) => unsealed(issuerId, keyId, sealed, kek));
  if (keys.size >= OPENED_KEYS_MAX) keys.delete(keys.keys().next().value!);
  keys.set(name, opening);
  opening.catch(() => keys.delete(name));
  return opening;
}

/** The private key `keyId` of `issuerId`, opened for signing: from this isolate's memory, else one statement on the primary. */
export function openKey(scope: DataScope, issuerId: string, keyId: string): Promise<CryptoKey> {
  return opened(scope, issuerId, keyId, async () => {
    const stored = await readQuery(scope, (db) => loadIssuerKey(db, keyId), scope.deps.db);
    if (!stored || stored.issuerId !== issuerId) throw new DomainError('not_found', 'not_found', 'No signing key with this id.');
    return stored.privateKeyCiphertext;
  });
}

/** A stored key already loaded (with other data, in one statement), opened for signing: from this isolate's memory when it was opened before. */
export function openStoredKey(scope: DataScope, issuerId: string, keyId: string, ciphertext: Uint8Array): Promise<CryptoKey> {
  return opened(scope, issuerId, keyId, async () => ciphertext);
}

/** The private key, or `unavailable` when this deployment's key-encryption key cannot open it (the secret was changed). */
async function unsealed(issuerId: string, keyId: string, ciphertext: Uint8Array, kek: CryptoKey): Promise<CryptoKey> {
  try {
    return await openSigningKey(issuerId, keyId, ciphertext, kek);
  } catch {
    throw new DomainError('unavailable', 'signing_key_unusable', 'A stored signing key cannot be opened with CREDENTIAL_KEY_SECRET.');
  }
}
