/** @module The benchmark's own database and data, written with set-based SQL (a million rows in seconds). */
import { withPgClient } from '../dev/backends.ts';

export const BENCH_DATABASE = 'badge_bench';
export const ID_PREFIX = 'bench-';
export const ID_WIDTH = 7;
export const benchId = (n: number) => ID_PREFIX + String(n).padStart(ID_WIDTH, '0');

const IMAGE = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30" fill="#1d4ed8"/></svg>';

/** Creates the database `name` (a bench's own) on the server behind `adminUrl` when it is missing; returns its URL. */
export async function ensureBenchDatabase(adminUrl: string, name = BENCH_DATABASE): Promise<string> {
  await withPgClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database ${name}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One issuer, one badge class and assertions 1..count (every 100th revoked). */
export async function seedAssertions(databaseUrl: string, from: number, to: number) {
  await withPgClient(databaseUrl, async (client) => {
    if (from === 1) {
      await client.query('truncate assertions, badge_classes, issuers cascade');
      await client.query(
        `insert into issuers (id, name, url, email) values ('bench-issuer', 'Bench Issuer', 'https://bench.example.org', 'b@bench.example.org')`,
      );
      await client.query(
        `insert into badge_classes (id, issuer_id, name, description, criteria_narrative, image_bytes, image_type)
         values ('bench-badge', 'bench-issuer', 'Bench Badge', 'For benchmarks.', 'Run the bench.', convert_to($1, 'UTF8'), 'image/svg+xml')`,
        [IMAGE],
      );
    }
    await client.query(
      `insert into assertions (id, badge_class_id, issuer_id, recipient_identity, recipient_salt, issued_on, revoked_at, revocation_reason)
       select $1 || lpad(n::text, $2, '0'), 'bench-badge', 'bench-issuer', 'sha256$' || encode(sha256(n::text::bytea), 'hex'), 'salt',
              now() - interval '1 day', case when n % 100 = 0 then now() end, case when n % 100 = 0 then 'bench' end
       from generate_series($3::int, $4::int) n`,
      [ID_PREFIX, ID_WIDTH, from, to],
    );
    await client.query('analyze');
  });
}

/** Peak number of client backends connected to the benchmark database, sampled while `work` runs. */
export async function peakBackends<T>(adminUrl: string, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  return withPgClient(adminUrl, async (client) => {
    let peak = 0;
    let running = true;
    const sampler = (async () => {
      while (running) {
        const { rows } = await client.query(
          `select count(*)::int as n from pg_stat_activity where datname = $1 and backend_type = 'client backend'`,
          [BENCH_DATABASE],
        );
        peak = Math.max(peak, rows[0].n);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    try {
      const result = await work();
      return { result, peak };
    } finally {
      running = false;
      await sampler;
    }
  });
}

/** One more assertion, never read before: the stampede's target. */
export async function addAssertion(databaseUrl: string, id: string): Promise<string> {
  await withPgClient(databaseUrl, (client) =>
    client.query(
      `insert into assertions (id, badge_class_id, issuer_id, recipient_identity, recipient_salt, issued_on)
       values ($1, 'bench-badge', 'bench-issuer', 'sha256$00', 'salt', now() - interval '1 day')`,
      [id],
    ),
  );
  return id;
}
