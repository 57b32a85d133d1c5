/**
 * @module OB 3.0 credentials in data access: an award's signed `OpenBadgeCredential`, signed on
 * first read and kept in Redis under the versions of the records it was built from (a change to
 * any of them is a new key, so a kept credential is never stale). A cached read signs nothing.
 */
import { credentialKey } from '../../cache/keys.ts';
import { signDocument } from '../../credentials/data-integrity.ts';
import { openBadgeCredential, type UnsignedCredential } from '../../credentials/open-badge-credential.ts';
import type { AssertionBundle } from '../../db/records.ts';
import type { DataScope } from '../scope.ts';
import { openKey, withSigningKey } from '../signing/keys.ts';
import { readValueFromRedis, writeValueToRedis } from '../tiers.ts';
import { readAssertionBundles } from './records.ts';

/** Kept values start with this: never bare JSON, which the Upstash client would parse on the way back. */
const SIGNED = 'signed|';

export type SignedCredential = { bundle: AssertionBundle; json: string };
/** An award whose issuer has a signing key. */
type SigningBundle = AssertionBundle & { issuer: { signingKeyId: string } };

/** The signed credential of award `id` as JSON text, or undefined when there is no such award. */
export async function readCredential(scope: DataScope, id: string): Promise<SignedCredential | undefined> {
  const found = (await readAssertionBundles(scope, [id])).get(id);
  if (!found) return undefined;
  const bundle = { ...found, issuer: await withSigningKey(scope, found.issuer) };
  const { assertion, badge, issuer } = bundle;
  const { dids } = scope.deps;
  const key = credentialKey(id, [assertion.version, badge.version, issuer.version], dids.keyspace);
  const kept = await readValueFromRedis(scope, key);
  if (kept?.startsWith(SIGNED)) {
    scope.cache.served.add('redis');
    return { bundle, json: kept.slice(SIGNED.length) };
  }
  const json = JSON.stringify(await signedBy(scope, bundle, (unsigned) => unsigned));
  if (kept !== undefined) scope.waitUntil(writeValueToRedis(scope, key, `${SIGNED}${json}`));
  return { bundle, json };
}

/** The award's credential as `shape` makes it from the usual one, signed now by its issuer's current key. */
async function signedBy(scope: DataScope, bundle: SigningBundle, shape: (credential: UnsignedCredential) => object) {
  const { issuer } = bundle;
  const { dids, urls } = scope.deps;
  const keyId = issuer.signingKeyId;
  return signDocument(
    shape(openBadgeCredential(bundle, dids.issuer(issuer.id, keyId), urls)) as UnsignedCredential,
    dids.verificationMethod(issuer.id, keyId),
    await openKey(scope, issuer.id, keyId),
    new Date(),
  );
}

/**
 * A copy of award `id`'s credential issued to the holder `subjectId` (a wallet's DID), freshly
 * signed and never kept: its own id, the same status entry (revoking the award revokes it too).
 */
export async function issueCredentialTo(scope: DataScope, id: string, subjectId: string): Promise<object | undefined> {
  const found = (await readAssertionBundles(scope, [id])).get(id);
  if (!found) return undefined;
  const bundle = { ...found, issuer: await withSigningKey(scope, found.issuer) };
  return signedBy(scope, bundle, (credential) => ({
    ...credential,
    id: `urn:uuid:${crypto.randomUUID()}`,
    credentialSubject: { id: subjectId, ...credential.credentialSubject },
  }));
}
