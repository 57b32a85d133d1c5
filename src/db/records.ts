/**
 * @module The records the rest of the code works with: the columns each one is read with (one
 * definition for every query and write that returns it), and the record types they give.
 */
import type { SelectResultFields } from 'drizzle-orm/query-builders/select.types';
import { apiKeys, assertions, badgeClasses, issuers } from './schema.ts';

export const issuerColumns = {
  id: issuers.id,
  name: issuers.name,
  url: issuers.url,
  email: issuers.email,
  description: issuers.description,
  imageUrl: issuers.imageUrl,
  verificationStartsWith: issuers.verificationStartsWith,
  verificationAllowedOrigins: issuers.verificationAllowedOrigins,
  linkedInOrganizationId: issuers.linkedInOrganizationId,
  signingKeyId: issuers.signingKeyId,
  publicKeyIds: issuers.publicKeyIds,
  updatedAt: issuers.updatedAt,
  version: issuers.version,
};

/** Everything but the image bytes, which only the image routes read. */
export const badgeClassColumns = {
  id: badgeClasses.id,
  issuerId: badgeClasses.issuerId,
  name: badgeClasses.name,
  description: badgeClasses.description,
  criteriaUrl: badgeClasses.criteriaUrl,
  criteriaNarrative: badgeClasses.criteriaNarrative,
  imageType: badgeClasses.imageType,
  imageUrl: badgeClasses.imageUrl,
  tags: badgeClasses.tags,
  updatedAt: badgeClasses.updatedAt,
  version: badgeClasses.version,
};

export const assertionColumns = {
  id: assertions.id,
  badgeClassId: assertions.badgeClassId,
  issuerId: assertions.issuerId,
  recipientType: assertions.recipientType,
  recipientHashed: assertions.recipientHashed,
  recipientIdentity: assertions.recipientIdentity,
  recipientSalt: assertions.recipientSalt,
  issuedOn: assertions.issuedOn,
  expires: assertions.expires,
  evidence: assertions.evidence,
  narrative: assertions.narrative,
  recipientName: assertions.recipientName,
  revokedAt: assertions.revokedAt,
  revocationReason: assertions.revocationReason,
  statusIndex: assertions.statusIndex,
  updatedAt: assertions.updatedAt,
  version: assertions.version,
};

/** An API key as the tiers keep it: its secret's hash, scope and lifetime (`last_used_at` is not part of it). */
export const apiKeyColumns = {
  id: apiKeys.id,
  issuerId: apiKeys.issuerId,
  actions: apiKeys.actions,
  label: apiKeys.label,
  secretHash: apiKeys.secretHash,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  createdAt: apiKeys.createdAt,
  updatedAt: apiKeys.updatedAt,
  version: apiKeys.version,
};

export type IssuerRecord = SelectResultFields<typeof issuerColumns>;
export type ApiKeyRecord = SelectResultFields<typeof apiKeyColumns>;
export type BadgeClassRecord = SelectResultFields<typeof badgeClassColumns>;
export type AssertionRecord = SelectResultFields<typeof assertionColumns>;
/** An assertion with the badge class and issuer it needs to be verified or rendered. */
export type AssertionBundle = { assertion: AssertionRecord; badge: BadgeClassRecord; issuer: IssuerRecord };
