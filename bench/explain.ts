/**
 * @module `npm run db:explain`: EXPLAIN (ANALYZE, BUFFERS) of every critical statement against
 * the benchmark database with a million assertions (seeded here if it has fewer). Writes run
 * inside a transaction that is rolled back. Exits non-zero if any plan scans assertions sequentially.
 */
import { neon } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import pg from 'pg';
import { DEFAULT_DATABASE_URL } from '../dev/backends.ts';
import { criticalQueries } from '../dev/critical-queries.ts';
import { applyMigrations } from '../dev/migrate.ts';
import * as schema from '../src/db/schema.ts';
import { benchId, ensureBenchDatabase, seedAssertions } from './dataset.ts';

const ROWS = 1_000_000;
const databaseUrl = await ensureBenchDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
await applyMigrations(databaseUrl);
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const { rows } = await client.query(`select count(*)::int as n from assertions where id like 'bench-%'`);
if (rows[0].n < ROWS) {
  console.log(`seeding ${ROWS} assertions (found ${rows[0].n})`);
  await seedAssertions(databaseUrl, 1, ROWS);
}

// Only builds SQL text: this client is never asked to connect.
const db = drizzle({ client: neon('postgres://explain@localhost/explain'), schema });
const queries = criticalQueries(db, {
  assertionId: benchId(123_457),
  batchIds: Array.from({ length: 100 }, (_, i) => benchId(1 + ((i * 9_973) % ROWS))),
  issuerId: 'bench-issuer',
  badgeId: 'bench-badge',
});

let seqScans = 0;
for (const query of queries) {
  await client.query('begin');
  try {
    const plan = await client.query({ text: `explain (analyze, buffers) ${query.sql}`, values: query.params });
    const lines: string[] = plan.rows.map((row: Record<string, string>) => row['QUERY PLAN'] ?? '');
    const scansAssertions = lines.some((line) => /Seq Scan on assertions/.test(line));
    seqScans += scansAssertions ? 1 : 0;
    console.log(`\n== ${query.name}${query.write ? ' (rolled back)' : ''}${scansAssertions ? '  ← SEQUENTIAL SCAN ON assertions' : ''}`);
    console.log(query.sql.replace(/\s+/g, ' '));
    console.log(lines.join('\n'));
  } finally {
    await client.query('rollback');
  }
}
await client.end();
console.log(`\n${queries.length} statements explained on ${ROWS} assertions; ${seqScans} sequential scan(s) on assertions.`);
process.exitCode = seqScans ? 1 : 0;
