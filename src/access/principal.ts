/**
 * @module Who sends an admin request, and what they may do. The root ADMIN_TOKEN may do
 * everything and alone manages API keys; an API key acts for one issuer (or every issuer) with
 * the actions it was given. Keys are read through the record tiers, so a revoked key stops
 * working in every isolate within the L1 bound.
 */
import { timingSafeEqual } from 'hono/utils/buffer';
import { readAssertionBundles, readDefinition } from '../data/read/records.ts';
import type { DataScope } from '../data/scope.ts';
import { recordKeyUse } from '../data/write/api-keys.ts';
import type { ApiKeyRecord } from '../db/records.ts';
import type { ApiKeyAction } from '../db/schema.ts';
import { DomainError } from '../lib/errors.ts';
import { hashSecret, parseApiKeyToken } from './api-key-token.ts';

export type Principal = { kind: 'root' } | { kind: 'key'; key: ApiKeyRecord };

/** How the audit trail and idempotency keys name a principal. */
export const principalName = (principal: Principal) => (principal.kind === 'root' ? 'root' : `key:${principal.key.id}`);

/** Whether the key of `token` is live: stored, its secret's hash matching, not revoked, not expired. */
async function liveKey(scope: DataScope, token: string): Promise<ApiKeyRecord | undefined> {
  const parsed = parseApiKeyToken(token);
  if (!parsed) return undefined;
  const key = await readDefinition(scope, 'apiKey', parsed.keyId);
  if (!key || !(await timingSafeEqual(key.secretHash, await hashSecret(parsed.secret)))) return undefined;
  if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= Date.now())) return undefined;
  return key;
}

/** The principal a bearer token stands for, or undefined. */
export async function principalOf(scope: DataScope, token: string, rootToken: string): Promise<Principal | undefined> {
  if (await timingSafeEqual(rootToken, token)) return { kind: 'root' };
  const key = await liveKey(scope, token);
  if (!key) return undefined;
  recordKeyUse(scope, key.id);
  return { kind: 'key', key };
}

/** The issuers a principal acts for: every issuer (undefined), or one. */
export const issuerScopeOf = (principal: Principal): string | undefined =>
  principal.kind === 'key' ? (principal.key.issuerId ?? undefined) : undefined;

/**
 * Throws `forbidden` unless `principal` may do `action` on the records of `issuerId`. An issuer
 * that is not known (`undefined`: a record that does not exist) is another issuer's for a key of
 * one issuer, so a key cannot learn what exists elsewhere, and nothing is written.
 */
export function authorize(principal: Principal, action: ApiKeyAction | 'manage-keys', issuerId: string | null | undefined): void {
  if (principal.kind === 'root') return;
  const { key } = principal;
  if (action === 'manage-keys') throw new DomainError('forbidden', 'root_only', 'Only the root ADMIN_TOKEN manages API keys.');
  if (!key.actions.includes(action)) throw new DomainError('forbidden', 'action_not_allowed', `This API key may not ${action}.`);
  if (key.issuerId !== null && key.issuerId !== issuerId)
    throw new DomainError('forbidden', 'other_issuer', "This API key acts for another issuer's records.");
}

/** What an admin write acts on: an issuer (null: a new one), or a record whose issuer is looked up. */
export type Target = { issuer: string | null } | { badge: string } | { assertion: string };

/** `authorize` on the issuer of `target`, read through the tiers (a record's issuer never changes, so any copy will do). */
export async function authorizeOn(scope: DataScope, principal: Principal, action: ApiKeyAction, target: Target): Promise<void> {
  if (principal.kind === 'root') return;
  const issuerId =
    'issuer' in target
      ? target.issuer
      : 'badge' in target
        ? (await readDefinition(scope, 'badge', target.badge))?.issuerId
        : (await readAssertionBundles(scope, [target.assertion])).get(target.assertion)?.assertion.issuerId;
  authorize(principal, action, issuerId);
}
