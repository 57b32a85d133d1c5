/**
 * @module Every statement the service runs on a hot or write path, with sample parameters, as
 * SQL text: `npm run db:explain` prints their plans and a test checks each is served by an index.
 */
import { fillPlaceholders } from 'drizzle-orm';
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
  if (Array.isArray(value)) return `{${value.map((v) => JSON.stringify(String(v))).join(',')}}`;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function criticalQueries(db: Database, sample: Sample): CriticalQuery[] {
  const q = prepared(db);
  const now = new Date();
  return [
    read('verify one (assertion ⋈ badge ⋈ issuer)', q.assertionBundles.getQuery(), { ids: [sample.assertionId] }),
    read(`verify batch of ${sample.batchIds.length}`, q.assertionBundles.getQuery(), { ids: sample.batchIds }),
    read('issuer document', q.issuers.getQuery(), { ids: [sample.issuerId] }),
    read('badge class document', q.badgeClasses.getQuery(), { ids: [sample.badgeId] }),
    read('badge image', q.badgeImage.getQuery(), { id: sample.badgeId }),
    read('baked assertion image', q.assertionImage.getQuery(), { id: sample.assertionId }),
    read('revocation list page', revocationPageQuery(db, sample.issuerId, '', 1000).toSQL()),
    write('create issuer', writes.insertIssuer(db, { id: 'explain-issuer', name: 'n', url: 'https://e.org', email: 'e@e.org' }).toSQL()),
    write('edit issuer', writes.updateIssuer(db, sample.issuerId, { name: 'renamed' }).toSQL()),
    write('create badge class', writes.insertBadgeClass(db, { id: 'explain-badge', issuerId: sample.issuerId, name: 'n', description: 'd' }).toSQL()),
    write('edit badge class', writes.updateBadgeClass(db, sample.badgeId, { name: 'renamed' }).toSQL()),
    write(
      'issue assertion',
      new PgDialect().sqlToQuery(
        writes.insertAssertionQuery({
          id: 'explain-assertion',
          badgeClassId: sample.badgeId,
          recipientType: 'email',
          recipientIdentity: 'sha256$00',
          recipientSalt: 's',
          issuedOn: now,
          expires: null,
          evidence: null,
          narrative: null,
        }),
      ),
    ),
    write('revoke assertion', writes.revokeAssertion(db, sample.assertionId, 'explain').toSQL()),
  ].map((query) => ({ ...query, params: query.params.map(asText) }));
}
