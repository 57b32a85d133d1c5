/** @module Backends for the local stack: the real Postgres and Redis servers, or embedded stand-ins when none answers. */
import net from 'node:net';
import { Redis as IORedis } from 'ioredis';
import pg from 'pg';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A Postgres server the proxy can open TCP connections to. */
export type PostgresBackend = {
  kind: 'postgres' | 'pglite';
  /** Connection string for `pg` (the embedded one listens on a loopback port too). */
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
};

/** One Redis command, as the Upstash REST body carries it. */
export type RedisCommand = (string | number)[];

/** What the Upstash endpoint needs from a Redis: run a command, or several atomically. */
export type RedisBackend = {
  kind: 'redis' | 'memory';
  /** Resolves to the raw reply: Buffer/string for bulk and status, number, null or arrays. */
  call(command: RedisCommand): Promise<unknown>;
  /** MULTI/EXEC: one reply or one error per command. */
  transaction(commands: RedisCommand[]): Promise<Array<{ result: unknown } | { error: string }>>;
  close(): Promise<void>;
};

/** Runs `work` on one fresh connection to `url`, which is closed afterwards whatever happens. */
export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The real Postgres at `databaseUrl` when it answers, otherwise an embedded PGlite served
 * on a loopback port (so the HTTP and WebSocket paths speak to it the same way).
 */
export async function openPostgres(databaseUrl: string, forceEmbedded = false): Promise<PostgresBackend> {
  const url = new URL(databaseUrl);
  const host = url.hostname;
  const port = Number(url.port || 5432);
  if (!forceEmbedded && (await canConnect(host, port))) {
    return { kind: 'postgres', url: databaseUrl, host, port, close: async () => {} };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const embeddedPort = await freePort();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: embeddedPort, maxConnections: 100 });
  await server.start();
  return {
    kind: 'pglite',
    url: `postgres://postgres@127.0.0.1:${embeddedPort}/postgres`,
    host: '127.0.0.1',
    port: embeddedPort,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The real Redis at `redisUrl` when it answers, otherwise ioredis-mock in memory. */
export async function openRedis(redisUrl: string, forceEmbedded = false): Promise<RedisBackend> {
  const url = new URL(redisUrl);
  if (!forceEmbedded && (await canConnect(url.hostname, Number(url.port || 6379)))) {
    return realRedis(redisUrl);
  }
  return memoryRedis();
}

function realRedis(redisUrl: string): RedisBackend {
  const client = new IORedis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false });
  client.on('error', () => {}); // surfaced per command instead
  return {
    kind: 'redis',
    // Buffers keep binary and non-ASCII values intact until the endpoint encodes them.
    call: ([name, ...args]) => client.callBuffer(String(name), ...args.map(String)),
    async transaction(commands) {
      const multi = client.multi();
      for (const [name, ...args] of commands) multi.callBuffer(String(name), ...args.map(String));
      const replies = (await multi.exec()) ?? [];
      return replies.map(([error, result]) => (error ? { error: error.message } : { result }));
    },
    close: async () => {
      client.disconnect();
    },
  };
}

/** Commands that read or write a string value: ioredis-mock does not raise WRONGTYPE itself. */
const STRING_COMMANDS = new Set(['get', 'getset', 'getdel', 'append', 'strlen', 'incr', 'incrby', 'decr', 'decrby', 'incrbyfloat']);
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

async function memoryRedis(): Promise<RedisBackend> {
  const { default: RedisMock } = await import('ioredis-mock');
  const client = new RedisMock();
  // Commands run one at a time, so a transaction is not interleaved with other requests.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => {});
    return run;
  };
  const run = async ([name, ...args]: RedisCommand): Promise<unknown> => {
    const method = String(name).toLowerCase();
    const fn = (client as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function') throw new Error(`ERR unknown command '${name}'`);
    if (STRING_COMMANDS.has(method)) {
      const type = await client.type(String(args[0]));
      if (type !== 'string' && type !== 'none') throw new Error(WRONGTYPE);
    }
    // ioredis-mock only recognises SET's options in upper case; the Upstash client sends lower.
    const strings = args.map((arg, i) => (method === 'set' && i >= 2 ? String(arg).toUpperCase() : String(arg)));
    return (fn as (...a: unknown[]) => Promise<unknown>).apply(client, strings);
  };
  return {
    kind: 'memory',
    call: (command) => serial(() => run(command)),
    transaction: (commands) =>
      serial(async () => {
        const out: Array<{ result: unknown } | { error: string }> = [];
        for (const command of commands) {
          try {
            out.push({ result: await run(command) });
          } catch (error) {
            out.push({ error: (error as Error).message });
          }
        }
        return out;
      }),
    close: async () => {
      client.disconnect();
    },
  };
}
