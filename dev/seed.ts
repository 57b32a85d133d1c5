/** @module Demo data with stable ids, written idempotently: running it again restores the demo state. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { credentialKey, recordKey, statusListKey } from '../src/cache/keys.ts';
import { DEFAULT_DATABASE_URL, withPgClient } from './backends.ts';

export const DEMO_RECIPIENT = 'alice@example.org';

/** The demo records' cache keys: the seed rewrites the rows, so whatever Redis held of them must go. */
const DEMO_RECORD_KEYS = [
  recordKey('issuer', 'demo-issuer'),
  recordKey('badge', 'demo-badge'),
  recordKey('assertion', 'demo-valid'),
  recordKey('assertion', 'demo-expired'),
  recordKey('assertion', 'demo-revoked'),
];
/** Their signed documents, in every keyspace (DID method and host): status lists and credentials. */
const DEMO_DOCUMENT_PATTERNS = [statusListKey('demo-issuer', 0, '*'), credentialKey('demo-*', [], '*')];

/** Drops the demo records from Redis (`call` runs one command, answers its result), so the re-seeded rows are read again. */
export async function forgetCachedDemoRecords(call: (command: string[]) => Promise<unknown>): Promise<void> {
  const documents = await Promise.all(DEMO_DOCUMENT_PATTERNS.map(async (pattern) => (await call(['KEYS', `${pattern}*`])) as unknown[]));
  await call(['DEL', ...DEMO_RECORD_KEYS, ...documents.flat().map(String)]);
}
/** Seeds the demo rows and drops their cached copies through the local Upstash endpoint: the demo as `npm run dev` starts it. */
export async function resetDemoData(stack: { postgresUrl: string; upstashUrl: string; upstashToken: string }): Promise<void> {
  await seedDemoData(stack.postgresUrl);
  await forgetCachedDemoRecords(async (command) => {
    const response = await fetch(stack.upstashUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.upstashToken}` },
      body: JSON.stringify(command),
    });
    return ((await response.json()) as { result: unknown }).result;
  });
}

/** The demo award's claim code and an open exchange for it (reset on every seed): the README's pickup walkthrough and the OpenAPI examples use them. */
export const DEMO_CLAIM_CODE = 'demo-claim-code-0001';
/** A revoked API key of the demo issuer, for the API reference's examples: its stored hash is of no secret, so it never works. */
export const DEMO_API_KEY_ID = '0000000000000d30';
export const DEMO_EXCHANGE = 'demo-exchange';

const SALT = 'demo-salt-7f3a';
const identity = `sha256$${createHash('sha256')
  .update(DEMO_RECIPIENT + SALT)
  .digest('hex')}`;
const image = readFileSync(new URL('./seed/demo-badge.svg', import.meta.url));

export async function seedDemoData(databaseUrl: string) {
  await withPgClient(databaseUrl, async (client) => {
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO issuers (id, name, url, email, description, next_status_index) VALUES ($1, $2, $3, $4, $5, 3)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, email = excluded.email, description = excluded.description,
           next_status_index = greatest(issuers.next_status_index, 3), updated_at = now(), version = issuers.version + 1`,
        [
          'demo-issuer',
          'Demo Academy',
          'https://academy.example.org',
          'badges@academy.example.org',
          'A demo issuer for local development.',
        ],
      );
      await client.query(
        `INSERT INTO badge_classes (id, issuer_id, name, description, criteria_narrative, image_bytes, image_type, tags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description, criteria_narrative = excluded.criteria_narrative,
           image_bytes = excluded.image_bytes, image_type = excluded.image_type, tags = excluded.tags, updated_at = now(), version = badge_classes.version + 1`,
        [
          'demo-badge',
          'demo-issuer',
          'Demo Badge',
          'Awarded for completing the demo course.',
          'Complete every module of the demo course and pass the final quiz.',
          image,
          'image/svg+xml',
          ['demo'],
        ],
      );
      const assertions: Array<[string, string, string | null, string | null]> = [
        ['demo-valid', '2026-01-15T09:00:00Z', null, null],
        ['demo-expired', '2024-01-15T09:00:00Z', '2025-01-15T09:00:00Z', null],
        ['demo-revoked', '2026-01-15T09:00:00Z', null, 'Issued in error'],
      ];
      // Positions 0-2 of the demo issuer's first status list (the seed reserves them above).
      for (const [position, [id, issuedOn, expires, revocationReason]] of assertions.entries()) {
        await client.query(
          `INSERT INTO assertions (id, badge_class_id, issuer_id, recipient_type, recipient_hashed, recipient_identity, recipient_salt, issued_on, expires, revoked_at, revocation_reason, status_index)
           VALUES ($1, 'demo-badge', 'demo-issuer', 'email', true, $2, $3, $4, $5, CASE WHEN $6::text IS NULL THEN NULL ELSE now() END, $6, $7)
           ON CONFLICT (id) DO UPDATE SET recipient_identity = excluded.recipient_identity, recipient_salt = excluded.recipient_salt, issued_on = excluded.issued_on,
             expires = excluded.expires, revoked_at = excluded.revoked_at, revocation_reason = excluded.revocation_reason, status_index = excluded.status_index,
             updated_at = now(), version = assertions.version + 1`,
          [id, identity, SALT, issuedOn, expires, revocationReason, position],
        );
      }
      await client.query(
        `INSERT INTO claim_codes (code_hash, assertion_id, expires_at) VALUES ($1, 'demo-valid', now() + interval '1 year')
         ON CONFLICT (code_hash) DO UPDATE SET expires_at = excluded.expires_at`,
        [createHash('sha256').update(DEMO_CLAIM_CODE).digest('base64url')],
      );
      await client.query(
        `INSERT INTO wallet_exchanges (id, assertion_id, challenge, expires_at) VALUES ($1, 'demo-valid', 'demo-challenge', now() + interval '1 day')
         ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at, used_at = NULL`,
        [DEMO_EXCHANGE],
      );
      await client.query(
        `INSERT INTO api_keys (id, issuer_id, actions, label, secret_hash, revoked_at) VALUES ($1, 'demo-issuer', '{issue,revoke}', 'Demo key (revoked)', 'none', now())
         ON CONFLICT (id) DO NOTHING`,
        [DEMO_API_KEY_ID],
      );
      // The list changed (demo-revoked is revoked again): a new version, so a kept copy is replaced.
      await client.query(
        `INSERT INTO status_lists (issuer_id, list_number) VALUES ('demo-issuer', 0)
         ON CONFLICT (issuer_id, list_number) DO UPDATE SET version = status_lists.version + 1`,
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await seedDemoData(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  console.log('demo data seeded: demo-issuer, demo-badge, demo-valid, demo-expired, demo-revoked');
}
