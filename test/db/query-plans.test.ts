/**
 * Every critical statement is served by an index on assertions. With sequential scans priced
 * out (`enable_seqscan = off`), a plan that still scans assertions sequentially has no index to
 * use: on a small test table this proves the index exists and fits, as `npm run db:explain`
 * shows with real plans on a million rows.
 */

import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { describe, expect, it } from 'vitest';
import { criticalQueries } from '../../dev/critical-queries.ts';
import { depsFor } from '../../src/platform/deps.ts';

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

describe('query plans', () => {
  const queries = criticalQueries(depsFor(env).db, {
    assertionId: 'a-1',
    batchIds: ['a-1', 'a-2', 'a-3'],
    issuerId: 'i-1',
    badgeId: 'b-1',
  });

  it.each(queries.map((q) => [q.name, q] as const))('%s uses an index on assertions', async (_, query) => {
    const sql = neon(env.DATABASE_URL);
    const [, explained] = await sql.transaction([
      sql.query('set local enable_seqscan = off'),
      sql.query(`explain (format json) ${query.sql}`, query.params),
    ]);
    const plan = (explained as Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>)[0]!['QUERY PLAN'][0]!.Plan;
    const onAssertions = nodes(plan).filter((n) => n['Relation Name'] === 'assertions' && /Scan/.test(n['Node Type']));
    expect(onAssertions.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    if (query.name === 'revocation list page')
      expect(nodes(plan).map((n) => n['Index Name'])).toContain('assertions_revoked_by_issuer_idx');
  });
});
