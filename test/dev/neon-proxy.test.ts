/** The local Neon proxy, driven by the real `@neondatabase/serverless` and Drizzle clients from Node. */
import { NeonDbError, neon, neonConfig, Pool } from '@neondatabase/serverless';
import { sql as dsql, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import ws from 'ws';
import * as schema from '../../src/db/schema.ts';

const stack = inject('stack');
const CONNECTION = 'postgres://postgres@db.localtest/test';

type Stats = { httpRequests: number; statements: number; wsSessions: number };
const stats = async (): Promise<Stats> => (await fetch(`${stack.neonUrl}/__stats`)).json() as Promise<Stats>;
const resetStats = () => fetch(`${stack.neonUrl}/__stats/reset`, { method: 'POST' });

beforeAll(() => {
  neonConfig.fetchEndpoint = `${stack.neonUrl}/sql`;
  neonConfig.webSocketConstructor = ws;
  neonConfig.wsProxy = (host, port) => `127.0.0.1:${stack.neonPort}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false; // trust auth and PGlite: no cleartext password to pipeline
});
beforeEach(resetStats);

describe('POST /sql with neon()', () => {
  const sql = neon(CONNECTION);

  it('round-trips Postgres types as the driver parses them', async () => {
    const [row] = await sql`
      select 9007199254740993::int8 as big, 12.50::numeric as amount, '{"a":[1,"é"]}'::jsonb as doc,
             '2026-01-02T03:04:05.678Z'::timestamptz as at, array['x','y,z']::text[] as tags,
             '\\xdeadbeef'::bytea as bytes, null::text as nothing, ${'héllo ✓ 日本'}::text as unicode`;
    // Drizzle's neon-http module swaps the shared timestamp parser for identity (a known
    // pitfall), so the value may arrive as the server's text: both must be the same instant.
    expect(new Date(row?.at as string | Date).toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect({ ...row, at: undefined }).toEqual({
      big: '9007199254740993',
      amount: '12.50',
      doc: { a: [1, 'é'] },
      at: undefined,
      tags: ['x', 'y,z'],
      bytes: Buffer.from('deadbeef', 'hex'),
      nothing: null,
      unicode: 'héllo ✓ 日本',
    });
  });

  it('counts one query as one HTTP request and one statement', async () => {
    await sql`select 1`;
    expect(await stats()).toMatchObject({ httpRequests: 1, statements: 1 });
  });

  it('sends a 3-statement transaction as one request and runs it atomically', async () => {
    const results = await sql.transaction([sql`select 1 as a`, sql`select 2 as b`, sql`select ${'three'}::text as c`]);
    expect(results).toEqual([[{ a: 1 }], [{ b: 2 }], [{ c: 'three' }]]);
    expect(await stats()).toMatchObject({ httpRequests: 1, statements: 3 });
  });

  it('honours the batch isolation and read-only headers', async () => {
    const [levelRows, readOnlyRows] = await sql.transaction([sql`show transaction_isolation`, sql`show transaction_read_only`], {
      isolationLevel: 'Serializable',
      readOnly: true,
    });
    expect(levelRows).toEqual([{ transaction_isolation: 'serializable' }]);
    expect(readOnlyRows).toEqual([{ transaction_read_only: 'on' }]);
  });

  it('turns a server error into NeonDbError with its fields', async () => {
    const error = await sql`select * from no_such_table`.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({ code: '42P01', severity: 'ERROR', message: 'relation "no_such_table" does not exist' });
    expect((error as NeonDbError).position).toBe('15');
  });

  it('rejects two statements in one string, as extended query mode does on Neon', async () => {
    await expect(sql.query('select 1; select 2')).rejects.toThrow(/multiple commands/);
  });
});

describe('Drizzle over neon-http', () => {
  const db = drizzle({ client: neon(CONNECTION), schema });
  const id = `t-${crypto.randomUUID()}`;
  afterAll(() => db.delete(schema.issuers).where(eq(schema.issuers.id, id)));

  it('inserts and selects through the schema', async () => {
    await db.insert(schema.issuers).values({ id, name: 'Proxy Test', url: 'https://example.org', email: 'a@example.org' });
    const [found] = await db.select().from(schema.issuers).where(eq(schema.issuers.id, id));
    expect(found).toMatchObject({ id, name: 'Proxy Test' });
    expect(found?.createdAt).toBeInstanceOf(Date);
  });

  it('rolls a whole batch back when one statement fails', async () => {
    const error = await db
      .batch([db.update(schema.issuers).set({ name: 'changed' }).where(eq(schema.issuers.id, id)), db.execute(dsql`select 1/0`)])
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/division by zero/);
    const [found] = await db.select({ name: schema.issuers.name }).from(schema.issuers).where(eq(schema.issuers.id, id));
    expect(found?.name).toBe('Proxy Test');
    expect(await stats()).toMatchObject({ httpRequests: 2, statements: 3 });
  });
});

describe('WebSocket /v1 bridge', () => {
  it('runs an interactive transaction on a Neon Pool and counts the session', async () => {
    const pool = new Pool({ connectionString: CONNECTION });
    pool.on('error', () => {});
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('CREATE TEMP TABLE t (v int) ON COMMIT DROP');
      await client.query('INSERT INTO t VALUES ($1), ($2)', [1, 2]);
      const { rows } = await client.query('SELECT sum(v)::int AS total FROM t');
      await client.query('COMMIT');
      expect(rows).toEqual([{ total: 3 }]);
    } finally {
      client.release();
      await pool.end();
    }
    // BEGIN, CREATE, INSERT, SELECT, COMMIT over the bridge.
    expect(await stats()).toMatchObject({ wsSessions: 1, statements: 5, httpRequests: 0 });
  });
});
