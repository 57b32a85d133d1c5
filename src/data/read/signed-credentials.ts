/**
 * @module OB 3.0 credentials in data access: an award's signed `OpenBadgeCredential`, signed on
 * first read and kept in Redis under the versions of the records it was built from (a change to
 * any of them is a new key, so a kept credential is never stale). A cached read signs nothing.
 */
import { credentialKey } from '../../cache/keys.ts';
import { signDocument } from '../../credentials/data-integrity.ts';
import { openBadgeCredential } from '../../credentials/open-badge-credential.ts';
import type { AssertionBundle } from '../../db/records.ts';
import type { DataScope } from '../scope.ts';
import { openKey, withSigningKey } from '../signing/keys.ts';
import { readValueFromRedis, writeValueToRedis } from '../tiers.ts';
import { readAssertionBundles } from './records.ts';

/** Kept values start with this: never bare JSON, which the Upstash client would parse on the way back. */
const SIGNED = 'signed|';

export type SignedCredential = { bundle: AssertionBundle; json: string };

/** The signed credential of award `id` as JSON text, or undefined when there is no such award. */
export async function readCredential(scope: DataScope, id: string): Promise<SignedCredential | undefined> {
  const found = (await readAssertionBundles(scope, [id])).get(id);
  if (!found) return undefined;
  const bundle = { ...found, issuer: await withSigningKey(scope, found.issuer) };
  const { assertion, badge, issuer } = bundle;
  const { dids, urls } = scope.deps;
  const key = credentialKey(id, [assertion.version, badge.version, issuer.version], dids.keyspace);
  const kept = await readValueFromRedis(scope, key);
  if (kept?.startsWith(SIGNED)) {
    scope.cache.served.add('redis');
    return { bundle, json: kept.slice(SIGNED.length) };
  }
  const keyId = issuer.signingKeyId;
  const signed = await signDocument(
    openBadgeCredential(bundle, dids.issuer(issuer.id, keyId), urls),
    dids.verificationMethod(issuer.id, keyId),
    await openKey(scope, issuer.id, keyId),
    new Date(),
  );
  const json = JSON.stringify(signed);
  if (kept !== undefined) scope.waitUntil(writeValueToRedis(scope, key, `${SIGNED}${json}`));
  return { bundle, json };
}
