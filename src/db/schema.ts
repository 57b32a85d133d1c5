/** @module The database schema: issuers, their badge classes, and the assertions issued from them. */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

/** Raw bytes (the badge image); drizzle's pg-core has no bytea column of its own. */
const bytea = customType<{ data: Uint8Array; driverData: string | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (bytes) => `\\x${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`,
  fromDriver: (value) => (typeof value === 'string' ? hexToBytes(value) : value),
});

function hexToBytes(value: string): Uint8Array {
  const hex = value.startsWith('\\x') ? value.slice(2) : value;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * Bumped by every write, in the same statement. Shared caches store a record only over an
   * older version, so a read that began before a write can never put its data back.
   */
  version: bigint('version', { mode: 'number' }).notNull().default(1),
};

export const issuers = pgTable('issuers', {
  /** Public id: a short URL-safe slug, also the last segment of the issuer's URL. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  email: text('email').notNull(),
  description: text('description'),
  imageUrl: text('image_url'),
  /** OB 2.0 `verification.startsWith`: URL prefixes hosted assertions must start with. */
  verificationStartsWith: text('verification_starts_with').array(),
  /** OB 2.0 `verification.allowedOrigins`: hosts hosted assertions may live on. */
  verificationAllowedOrigins: text('verification_allowed_origins').array(),
  /** LinkedIn's numeric company id: "Add to profile" then shows the issuer's logo (else its name is sent). */
  linkedInOrganizationId: text('linkedin_organization_id'),
  /** The key that signs this issuer's OB 3.0 credentials now (an `issuer_keys.id`); set on first use, changed by rotation. */
  signingKeyId: text('signing_key_id'),
  /** Every key the issuer ever had, oldest first: its DID document (public keys only; the private halves stay in `issuer_keys`). */
  publicKeyIds: text('public_key_ids').array().notNull().default(sql`'{}'::text[]`),
  /** The next free position in this issuer's status lists: each award takes one in the statement that inserts it. */
  nextStatusIndex: integer('next_status_index').notNull().default(0),
  ...timestamps,
});

/**
 * Ed25519 keys of issuers, current and retired (a credential signed by a retired key still
 * verifies: its did:key holds the public key). The private key is stored only encrypted.
 */
export const issuerKeys = pgTable('issuer_keys', {
  /** The public key as a multibase `z6Mk…` string: the did:key's method-specific id. */
  id: text('id').primaryKey(),
  issuerId: text('issuer_id')
    .notNull()
    .references(() => issuers.id, { onDelete: 'cascade' }),
  /** AES-GCM (12-byte IV, then ciphertext) of the PKCS #8 private key, under the key-encryption key. */
  privateKeyCiphertext: bytea('private_key_ciphertext').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Entries per Bitstring Status List (the W3C Recommendation's minimum, 16 KiB): position n is on list n / this. */
export const STATUS_LIST_SIZE = 131_072;

/** One Bitstring Status List of an issuer; its version is bumped by every revoke of an award on it. */
export const statusLists = pgTable(
  'status_lists',
  {
    issuerId: text('issuer_id')
      .notNull()
      .references(() => issuers.id, { onDelete: 'cascade' }),
    listNumber: integer('list_number').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.issuerId, t.listNumber] })],
);

export const badgeClasses = pgTable(
  'badge_classes',
  {
    id: text('id').primaryKey(),
    issuerId: text('issuer_id')
      .notNull()
      .references(() => issuers.id),
    name: text('name').notNull(),
    description: text('description').notNull(),
    criteriaUrl: text('criteria_url'),
    criteriaNarrative: text('criteria_narrative'),
    /** The image itself (served at /badges/{id}/image), or `imageUrl` when hosted elsewhere. */
    imageBytes: bytea('image_bytes'),
    imageType: text('image_type'),
    imageUrl: text('image_url'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    ...timestamps,
  },
  (t) => [
    // Target of the assertions' composite key, which keeps assertions.issuer_id truthful.
    unique('badge_classes_id_issuer_unique').on(t.id, t.issuerId),
  ],
);

export const assertions = pgTable(
  'assertions',
  {
    id: text('id').primaryKey(),
    badgeClassId: text('badge_class_id').notNull(),
    /** Copied from the badge class (and held to it by a foreign key) so an issuer's revocations are one index range. */
    issuerId: text('issuer_id').notNull(),
    recipientType: text('recipient_type').notNull().default('email'),
    recipientHashed: boolean('recipient_hashed').notNull().default(true),
    /** `sha256$<hex>` of identity + salt; the plaintext identity is never stored. */
    recipientIdentity: text('recipient_identity').notNull(),
    recipientSalt: text('recipient_salt'),
    issuedOn: timestamp('issued_on', { withTimezone: true }).notNull(),
    expires: timestamp('expires', { withTimezone: true }),
    /** OB 2.0 Evidence: a list of `{id?, narrative?, name?, description?}`. */
    evidence: jsonb('evidence').$type<Array<Record<string, string>>>(),
    narrative: text('narrative'),
    /** The earner's name as the issuer chose to print it (the certificate); never the identity, which is only hashed. */
    recipientName: text('recipient_name'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revocationReason: text('revocation_reason'),
    /** Position in the issuer's status lists (list = index / 131,072); null for awards made before OB 3.0. */
    statusIndex: integer('status_index'),
    ...timestamps,
  },
  (t) => [
    foreignKey({
      columns: [t.badgeClassId, t.issuerId],
      foreignColumns: [badgeClasses.id, badgeClasses.issuerId],
      name: 'assertions_badge_class_fk',
    }),
    // Serves the issuer's revocation list: keyset pages of revoked ids, WHERE issuer_id = $1 AND id > $2 ORDER BY id.
    index('assertions_revoked_by_issuer_idx').on(t.issuerId, t.id).where(sql`${t.revokedAt} IS NOT NULL`),
    // Serves a status list: the revoked positions in one range of one issuer.
    // (Only awards with a position: so the revocation list's keyset pages keep their own index.)
    index('assertions_revoked_status_idx')
      .on(t.issuerId, t.statusIndex)
      .where(sql`${t.revokedAt} IS NOT NULL AND ${t.statusIndex} IS NOT NULL`),
  ],
);

/** Which kind of cached record a write changed. */
export type RecordKind = 'assertion' | 'badge' | 'issuer' | 'apiKey';

/**
 * What committed writes still have to refresh in the caches, inserted by the write's own
 * statement (so in its transaction) and deleted once applied. A row that stays is retried.
 */
export const cacheOutbox = pgTable('cache_outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  recordKind: text('record_kind').$type<RecordKind>().notNull(),
  recordId: text('record_id').notNull(),
  /** The version the write produced; applying any version at or above it settles the row. */
  version: bigint('version', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One admin write made under an `Idempotency-Key`, inserted by the write's own statement: a retry
 * with the same key finds it (the insert conflicts, so the retry writes nothing) and is answered
 * with the records the first write made. Kept 24 hours.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** Who wrote: `root` (the admin token); keys of different principals never collide. */
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of method, path and body: the same key with another request is refused. */
    requestHash: text('request_hash').notNull(),
    recordKind: text('record_kind').$type<RecordKind>().notNull(),
    /** What the write made, as its answer needs it: `[{id, version, signingKeyId?}]`. */
    records: jsonb('records').$type<IdempotentRecord[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'idempotency_keys_pkey', columns: [t.principal, t.key] })],
);

/** A record as an idempotent write's answer names it. */
export type IdempotentRecord = { id: string; version: number; signingKeyId?: string | null };

export type Issuer = typeof issuers.$inferSelect;
export type NewIssuer = typeof issuers.$inferInsert;
export type BadgeClass = typeof badgeClasses.$inferSelect;
export type NewBadgeClass = typeof badgeClasses.$inferInsert;
export type Assertion = typeof assertions.$inferSelect;
export type NewAssertion = typeof assertions.$inferInsert;

/**
 * A claim code an earner received for one award, to pick its OB 3.0 credential up in a wallet.
 * Only its SHA-256 is stored: the code itself is shown once, to the admin who asked for it.
 */
export const claimCodes = pgTable('claim_codes', {
  codeHash: text('code_hash').primaryKey(),
  assertionId: text('assertion_id')
    .notNull()
    .references(() => assertions.id, { onDelete: 'cascade' }),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One wallet pickup (a VC-API exchange) opened with a claim code: used once, within minutes, over its own challenge. */
export const walletExchanges = pgTable('wallet_exchanges', {
  id: text('id').primaryKey(),
  assertionId: text('assertion_id')
    .notNull()
    .references(() => assertions.id, { onDelete: 'cascade' }),
  challenge: text('challenge').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/** What an API key may do; the root ADMIN_TOKEN may do everything, and alone manages keys. */
export const API_KEY_ACTIONS = ['issue', 'revoke', 'edit', 'rotate-keys'] as const;
export type ApiKeyAction = (typeof API_KEY_ACTIONS)[number];

/**
 * An API key of one issuer (or of every issuer: `issuer_id` null), read through the record tiers
 * like any record (a revoke bumps its version). Only the SHA-256 of its 256-bit secret is stored.
 */
export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  issuerId: text('issuer_id').references(() => issuers.id, { onDelete: 'cascade' }),
  actions: text('actions').array().$type<ApiKeyAction[]>().notNull(),
  label: text('label'),
  secretHash: text('secret_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /** Written at most once a minute per key, off the request path; not part of the cached record. */
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  version: bigint('version', { mode: 'number' }).notNull().default(1),
});

/**
 * Who did what to which records, and when: one row per admin write, inserted by the write's own
 * statement (so there is no write without its row, and no row without its write).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** `root` (the ADMIN_TOKEN) or `key:{id}`. */
    principal: text('principal').notNull(),
    action: text('action').notNull(),
    recordKind: text('record_kind').$type<RecordKind>().notNull(),
    recordIds: text('record_ids').array().notNull(),
    /** The issuers of the records written (empty for a key of every issuer). */
    issuerIds: text('issuer_ids').array().notNull(),
  },
  (t) => [index('audit_log_issuer_idx').using('gin', t.issuerIds)],
);
