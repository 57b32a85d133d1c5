/** @module What the local stack's servers share: JSON helpers, counters and the control routes. */
import type http from 'node:http';
import type net from 'node:net';

/** Knobs a test or benchmark turns at run time (`POST /__control`). */
export type Controls = {
  /** Delay added before each served request, in milliseconds (models the edge→service link). */
  latencyMs: number;
  /** `error`: answer 503; `hang`: never answer. Models an outage without stopping the server. */
  fault?: 'error' | 'hang' | undefined;
  /** Neon proxy: hold each reply this long after its statements ran (models a read in flight across a write). */
  holdReplyMs?: number;
};

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Serves `GET /__stats`, `POST /__stats/reset` and `POST /__control`; true when it answered. */
export async function handleControlRoute(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  controls: Controls,
  stats: Record<string, number>,
) {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/__stats' && req.method === 'GET') {
    sendJson(res, 200, stats);
  } else if (path === '/__stats/reset' && req.method === 'POST') {
    for (const key of Object.keys(stats)) stats[key] = 0;
    sendJson(res, 200, stats);
  } else if (path === '/__control' && req.method === 'POST') {
    const body = (await readJson(req).catch(() => ({}))) as Partial<Controls>;
    if (typeof body.latencyMs === 'number' && body.latencyMs >= 0) controls.latencyMs = body.latencyMs;
    if (typeof body.holdReplyMs === 'number' && body.holdReplyMs >= 0) controls.holdReplyMs = body.holdReplyMs;
    if ('fault' in body) controls.fault = body.fault === 'error' || body.fault === 'hang' ? body.fault : undefined;
    sendJson(res, 200, controls);
  } else {
    return false;
  }
  return true;
}

/** Applies the injected latency and fault to every request except the control routes. */
export function withControls(controls: Controls, handler: Handler): Handler {
  return async (req, res) => {
    if (req.url?.startsWith('/__')) return handler(req, res);
    if (controls.fault === 'hang') return; // the socket stays open until the client gives up
    if (controls.latencyMs > 0) await new Promise((r) => setTimeout(r, controls.latencyMs));
    if (controls.fault === 'error') return sendJson(res, 503, { error: 'injected fault', message: 'injected fault' });
    try {
      await handler(req, res);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: String(error), message: String(error) });
    }
  };
}

/** Listens on 127.0.0.1 (`port` 0 picks a free one); resolves to where it listens and how to stop it. */
export async function listenOnLoopback(server: http.Server, port = 0) {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as net.AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
    },
  };
}
