/**
 * @module A local stand-in for Neon's proxy: SQL-over-HTTP (`POST /sql`) and the WebSocket
 * bridge (`/v1?address=host:port`) on one port, in front of a real Postgres (or PGlite).
 */
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { type WebSocket, WebSocketServer } from 'ws';
import type { PostgresBackend } from './backends.ts';
import { type Controls, handleControlRoute, listenOnLoopback, readJson, sendJson, withControls } from './controls.ts';

export type NeonProxyOptions = {
  backend: PostgresBackend;
  port?: number;
  /** Postgres connections the HTTP path may hold at once (Neon pools on its side too). */
  poolSize?: number;
  latencyMs?: number;
};

/** Totals, plus `db:<name>` HTTP requests per database named in the connection string. */
export type NeonProxyStats = { httpRequests: number; statements: number; wsSessions: number } & Record<string, number>;

type SqlQuery = { query: string; params?: unknown[] };

// The server hands every value back as its text form; the client parses by dataTypeID.
const rawText: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

/** Mirrors the fields of Neon's 400 error body, which the driver copies onto `NeonDbError`. */
const ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

function errorBody(error: unknown): Record<string, unknown> {
  const e = error as Record<string, unknown>;
  const body: Record<string, unknown> = { message: String(e.message ?? error) };
  for (const field of ERROR_FIELDS) if (e[field] !== undefined) body[field] = e[field];
  return body;
}

function resultBody(result: pg.QueryResult, arrayMode: boolean) {
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: arrayMode ? result.rows : result.rows.map((row: unknown[]) => Object.fromEntries(result.fields.map((f, i) => [f.name, row[i]]))),
    fields: result.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: 'text',
    })),
    rowAsArray: arrayMode,
  };
}

function isSqlQuery(value: unknown): value is SqlQuery {
  const q = value as SqlQuery;
  return typeof q === 'object' && q !== null && typeof q.query === 'string' && (q.params === undefined || Array.isArray(q.params));
}

/**
 * The `search_path` a connection string asks for with libpq's `options=-c search_path=...`.
 * Tests model a lagging read replica this way: a schema holding an older copy of the tables.
 */
function searchPathOf(connection: string): string | undefined {
  const options = new URL(connection).searchParams.get('options') ?? '';
  return /search_path=([A-Za-z0-9_,]+)/.exec(options)?.[1];
}

/** Starts the proxy; resolves once it listens. */
export async function startNeonProxy(options: NeonProxyOptions) {
  const { backend } = options;
  const pool = new pg.Pool({ connectionString: backend.url, max: options.poolSize ?? 10 });
  pool.on('error', () => {}); // an idle client dropped by the server; the pool replaces it
  const stats: NeonProxyStats = { httpRequests: 0, statements: 0, wsSessions: 0 };
  const controls: Controls = { latencyMs: options.latencyMs ?? 0 };

  // Extended query mode, as on Neon: a string holding two statements is an error.
  const run = (client: pg.PoolClient, q: SqlQuery) => {
    stats.statements++;
    return client.query({
      text: q.query,
      values: (q.params ?? []) as unknown[],
      rowMode: 'array',
      types: rawText,
      queryMode: 'extended',
    } as pg.QueryConfig);
  };

  async function handleSql(req: http.IncomingMessage, res: http.ServerResponse) {
    const connection = String(req.headers['neon-connection-string'] ?? '');
    if (!URL.canParse(connection)) {
      return sendJson(res, 400, { message: 'missing or malformed Neon-Connection-String header' });
    }
    // Every database name is served by the one backend; the count shows which one a client asked for.
    const database = `db:${new URL(connection).pathname.slice(1)}`;
    stats[database] = (stats[database] ?? 0) + 1;
    const body = await readJson(req).catch(() => undefined);
    const arrayMode = req.headers['neon-array-mode'] === 'true';
    const batch = (body as { queries?: unknown })?.queries;
    if (!isSqlQuery(body) && !(Array.isArray(batch) && batch.every(isSqlQuery))) {
      return sendJson(res, 400, { message: 'request body must be {query, params} or {queries: [...]}' });
    }
    const searchPath = searchPathOf(connection);
    const hold = controls.holdReplyMs ?? 0;
    const execute = async (client: pg.PoolClient) => {
      if (isSqlQuery(body) && !searchPath) return resultBody(await run(client, body), arrayMode);
      const level = ISOLATION_LEVELS[String(req.headers['neon-batch-isolation-level'])];
      const begin = [
        'BEGIN',
        level && `ISOLATION LEVEL ${level}`,
        req.headers['neon-batch-read-only'] === 'true' && 'READ ONLY',
        req.headers['neon-batch-deferrable'] === 'true' && 'DEFERRABLE',
      ]
        .filter(Boolean)
        .join(' ');
      await client.query(begin);
      try {
        if (searchPath) await client.query(`SET LOCAL search_path TO ${searchPath}`);
        const results = [];
        for (const q of isSqlQuery(body) ? [body] : (batch as SqlQuery[])) results.push(resultBody(await run(client, q), arrayMode));
        await client.query('COMMIT');
        return isSqlQuery(body) ? results[0] : { results };
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    };
    const client = await pool.connect();
    let outcome: { status: number; body: unknown };
    try {
      outcome = { status: 200, body: await execute(client) };
    } catch (error) {
      outcome = { status: 400, body: errorBody(error) };
    } finally {
      client.release();
    }
    // The statements have run (and committed); only the answer waits.
    if (hold) await new Promise((r) => setTimeout(r, hold));
    sendJson(res, outcome.status, outcome.body);
  }

  const server = http.createServer(
    withControls(controls, async (req, res) => {
      if (await handleControlRoute(req, res, controls, stats)) return;
      if (req.method === 'POST' && req.url?.startsWith('/sql')) {
        stats.httpRequests++;
        return handleSql(req, res);
      }
      sendJson(res, 404, { message: 'not found' });
    }),
  );

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/v1' || !url.searchParams.get('address')) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    if (controls.fault === 'hang') return;
    if (controls.fault === 'error') {
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      stats.wsSessions++;
      bridge(ws, backend, controls, stats);
    });
  });

  const listening = await listenOnLoopback(server, options.port);
  return {
    port: listening.port,
    url: listening.url,
    stats,
    controls,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await listening.close();
      await pool.end();
    },
  };
}

/**
 * Pipes one WebSocket to one Postgres TCP connection. The requested address is not dialled:
 * the bridge only ever reaches its own backend, like a proxy scoped to one project.
 */
function bridge(ws: WebSocket, backend: PostgresBackend, controls: Controls, stats: NeonProxyStats) {
  const tcp = net.connect({ host: backend.host, port: backend.port });
  const watcher = frontendWatcher({
    onStatement: () => stats.statements++,
    onTerminate: () => tcp.end(),
  });
  // The injected latency delays every client→server frame, so each round trip pays it once.
  const forward = (data: Buffer) => {
    if (!tcp.writable) return;
    tcp.write(data);
    watcher(data);
  };
  tcp.on('data', (data) => ws.send(data));
  // workerd raises an `error` event when the server closes a WebSocket cleanly, so a
  // Postgres-side close terminates the socket (1006) instead.
  tcp.on('close', () => ws.terminate());
  tcp.on('error', () => ws.terminate());
  ws.on('message', (data: Buffer) => {
    if (controls.latencyMs > 0) setTimeout(forward, controls.latencyMs, data);
    else forward(data);
  });
  ws.on('close', () => tcp.end());
  ws.on('error', () => tcp.destroy());
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * Follows the frontend message stream: counts statements (simple Query 'Q' or Parse 'P') and
 * calls `onTerminate` on Terminate ('X'), since the Neon driver never closes its WebSocket on
 * `end()` and the bridge must end the TCP side itself.
 */
function frontendWatcher({ onStatement, onTerminate }: { onStatement: () => void; onTerminate: () => void }) {
  let buffered = Buffer.alloc(0);
  let startup = true;
  return (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (startup) {
        if (buffered.length < 8) return;
        const length = buffered.readInt32BE(0);
        const code = buffered.readInt32BE(4);
        if (buffered.length < length) return;
        buffered = buffered.subarray(length);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
        continue;
      }
      if (buffered.length < 5) return;
      const type = buffered[0];
      const length = buffered.readInt32BE(1);
      if (buffered.length < 1 + length) return;
      buffered = buffered.subarray(1 + length);
      if (type === 0x51 || type === 0x50) onStatement();
      if (type === 0x58) onTerminate();
    }
  };
}
