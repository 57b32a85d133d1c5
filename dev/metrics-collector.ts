/**
 * @module The local metrics collector: what Workers Analytics Engine is in production (which has
 * no local emulation). The Worker's local sink (`src/metrics/local.ts`) POSTs each point to
 * `/points`; `GET /__points` hands them back (the newest 100,000), `GET /__stats` sums them the
 * way the README's SQL queries do, `POST /__stats/reset` forgets them.
 */
import http from 'node:http';
import { listenOnLoopback, readJson, sendJson } from './controls.ts';

/** A point as the Worker sends it (`src/metrics/types.ts`). */
export type CollectedPoint = { kind: 'request' | 'drain' } & Record<string, unknown>;

const MAX_POINTS = 100_000;

/** Sums over request points, and the drain runs: the counters a bench compares with the stack's own. */
export function summarise(points: readonly CollectedPoint[]) {
  const requests = points.filter((p) => p.kind === 'request');
  const drains = points.filter((p) => p.kind === 'drain');
  const sum = (list: readonly CollectedPoint[], field: string) => list.reduce((total, p) => total + Number(p[field] ?? 0), 0);
  const byTier: Record<string, number> = {};
  for (const p of requests) byTier[String(p.tier)] = (byTier[String(p.tier)] ?? 0) + 1;
  return {
    requests: requests.length,
    byTier,
    statements: sum(requests, 'statements'),
    redisCalls: sum(requests, 'redisCalls'),
    statementsTotal: sum(requests, 'statementsTotal') + sum(drains, 'statements'),
    redisCallsTotal: sum(requests, 'redisCallsTotal') + sum(drains, 'redisCalls'),
    remoteFetches: sum(requests, 'remoteFetches'),
    purgeFailures: points.filter((p) => p.purge === 'failed').length,
    drains: drains.length,
  };
}

export async function startMetricsCollector(port = 0) {
  const points: CollectedPoint[] = [];
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/points' && req.method === 'POST') {
      const point = (await readJson(req).catch(() => undefined)) as CollectedPoint | undefined;
      if (!point || (point.kind !== 'request' && point.kind !== 'drain')) return sendJson(res, 400, { error: 'not a point' });
      points.push(point);
      if (points.length > MAX_POINTS) points.splice(0, points.length - MAX_POINTS);
      return sendJson(res, 202, { ok: true });
    }
    if (path === '/__points' && req.method === 'GET') return sendJson(res, 200, points);
    if (path === '/__stats' && req.method === 'GET') return sendJson(res, 200, summarise(points));
    if (path === '/__stats/reset' && req.method === 'POST') {
      points.length = 0;
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { error: 'not found' });
  });
  const listening = await listenOnLoopback(server, port);
  return { ...listening, pointsUrl: `${listening.url}/points`, points };
}
