/**
 * @module Every statement the service runs on a hot or write path, with sample parameters, as
 * SQL text: `npm run db:explain` prints their plans and a test checks each is served by an index.
 */
import { fillPlaceholders, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from '../src/db/client.ts';
import { prepared, revocationPageQuery } from '../src/db/queries.ts';
import * as writes from '../src/db/writes.ts';

export type CriticalQuery = { name: string; sql: string; params: unknown[]; write: boolean };

export type Sample = { assertionId: string; batchIds: string[]; issuerId: string; badgeId: string };

type Query = { sql: string; params: unknown[] };

const read = (name: string, query: Query, values: Record<string, unknown> = {}): CriticalQuery => ({
  name,
  sql: query.sql,
  params: fillPlaceholders(query.params, values),
  write: false,
});
const write = (name: string, query: Query): CriticalQuery => ({ ...query, name, write: true });

/** Params as the Neon driver sends them: text, arrays as Postgres array literals. */
export function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return `{${value.map((v) => (v === null ? 'NULL' : JSON.stringify(String(v)))).join(',')}}`;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const toQuery = (statement: SQL) => new PgDialect().sqlToQuery(statement);

export function criticalQueries(db: Database, sample: Sample): CriticalQuery[] {
  const q = prepared(db);
  const now = new Date();
  const award = (id: string): writes.NewAward => ({
    id,
    recipientType: 'email',
    recipientIdentity: 'sha256$00',
    recipientSalt: 's',
    issuedOn: now,
    expires: null,
    evidence: null,
    narrative: null,
    recipientName: null,
  });
  return [
    read('verify one (assertion ⋈ badge ⋈ issuer)', q.assertionBundles.getQuery(), { ids: [sample.assertionId] }),
    read(`verify batch of ${sample.batchIds.length}`, q.assertionBundles.getQuery(), { ids: sample.batchIds }),
    read('issuer document', q.issuers.getQuery(), { ids: [sample.issuerId] }),
    read('badge class document', q.badgeClasses.getQuery(), { ids: [sample.badgeId] }),
    read('badge image', q.badgeImage.getQuery(), { id: sample.badgeId }),
    read('revocation list page', revocationPageQuery(db, sample.issuerId, '', 1000).toSQL()),
    write(
      'create issuer',
      toQuery(writes.insertIssuerStatement(db, { id: 'explain-issuer', name: 'n', url: 'https://e.org', email: 'e@e.org' })),
    ),
    write('edit issuer', toQuery(writes.updateIssuerStatement(db, sample.issuerId, { name: 'renamed' }))),
    write(
      'create badge class',
      toQuery(writes.insertBadgeClassStatement(db, { id: 'explain-badge', issuerId: sample.issuerId, name: 'n', description: 'd' })),
    ),
    write('edit badge class', toQuery(writes.updateBadgeClassStatement(db, sample.badgeId, { name: 'renamed' }))),
    write('issue assertion', toQuery(writes.insertAssertionsStatement(sample.badgeId, [award('explain-assertion')]))),
    write(
      'issue 1000 assertions (batch)',
      toQuery(
        writes.insertAssertionsStatement(
          sample.badgeId,
          Array.from({ length: 1000 }, (_, i) => award(`explain-batch-${i}`)),
        ),
      ),
    ),
    write('revoke assertion', toQuery(writes.revokeAssertionStatement(db, sample.assertionId, 'explain'))),
  ].map((query) => ({ ...query, params: query.params.map(asText) }));
}
