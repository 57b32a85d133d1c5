/**
 * One JSON log line and one metrics point per request, after its background work: the route
 * pattern (never the path), the tier, the counters, the request id echoed; the points agree with
 * the local stack's own counters; a failing sink never fails a request.
 */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dataPointOf } from '../../src/metrics/analytics-engine.ts';
import type { RequestPoint } from '../../src/metrics/types.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { neonStats, resetStats, upstashStats } from '../stack.ts';
import { worker } from '../worker.ts';

const collected = async () => (await fetch(`${env.STACK_METRICS_URL}/__points`)).json<RequestPoint[]>();
const resetCollector = () => fetch(`${env.STACK_METRICS_URL}/__stats/reset`, { method: 'POST' });

/** Console lines that are JSON objects, from now until restored. */
function captureJsonLines(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (text.startsWith('{')) lines.push(JSON.parse(text));
  });
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('request metrics', () => {
  it('logs one JSON line per request with the route pattern, tier and counters, and echoes the request id', async () => {
    const fixture = await createIssuerWithBadge();
    try {
      const id = await fixture.assertion();
      const w = worker();
      const lines = captureJsonLines();
      const cold = await w.get(`/assertions/${id}/verify`, { 'cf-ray': '8f1e2d3c4b5a6978-LHR' });
      const warm = await w.get(`/assertions/${id}/verify`);
      const missing = await w.get('/assertions/no-such-award');
      vi.restoreAllMocks();
      expect(cold.status).toBe(200);
      expect(cold.headers.get('request-id')).toBe('8f1e2d3c4b5a6978-LHR');
      expect(warm.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(missing.status).toBe(404);
      const requests = lines.filter((line) => line.kind === 'request');
      expect(requests).toHaveLength(3);
      expect(requests[0]).toMatchObject({
        requestId: '8f1e2d3c4b5a6978-LHR',
        method: 'GET',
        route: '/assertions/:id/verify',
        status: 200,
        tier: 'db',
        remoteFetches: 0,
        purge: 'none',
      });
      expect(requests[0]!.statements).toBeGreaterThanOrEqual(1);
      expect(requests[1]).toMatchObject({ route: '/assertions/:id/verify', tier: 'l1', statements: 0, redisCalls: 0 });
      expect(requests[2]).toMatchObject({ route: '/assertions/:id', status: 404 });
      // The raw path (with its id) is in no line.
      expect(JSON.stringify(requests)).not.toContain(id);
      expect(requests[0]!.durationMs).toBeGreaterThan(0);
    } finally {
      await fixture.cleanup();
    }
  });

  it('replaces a cf-ray that is no ray id, and names early answers by their middleware pattern', async () => {
    const lines = captureJsonLines();
    const res = await worker().get('/assertions/x/verify?recipient=someone@example.org', { 'cf-ray': 'Bearer secret-token' });
    vi.restoreAllMocks();
    expect(res.status).toBe(301);
    expect(res.headers.get('request-id')).not.toContain('secret');
    const [line] = lines.filter((l) => l.kind === 'request');
    expect(line).toMatchObject({ status: 301 });
    expect(JSON.stringify(line)).not.toMatch(/someone|secret|recipient=/);
  });

  it('writes the same counters to the sink, and they agree with the stack’s own counters', async () => {
    const fixture = await createIssuerWithBadge();
    try {
      const ids = [await fixture.assertion(), await fixture.assertion(), await fixture.assertion()];
      const w = worker({ CACHE_TIERS: 'redis' });
      await resetStats();
      await resetCollector();
      for (const id of [...ids, ...ids]) expect((await w.get(`/assertions/${id}/verify`)).status).toBe(200);
      expect((await w.get(`/badges/${fixture.badgeId}`)).status).toBe(200);
      const points = (await collected()).filter((p) => p.kind === 'request');
      const [neon, upstash] = await Promise.all([neonStats(), upstashStats()]);
      expect(points).toHaveLength(7);
      const sum = (field: keyof RequestPoint) => points.reduce((total, p) => total + Number(p[field]), 0);
      expect(sum('statementsTotal')).toBe(neon.statements);
      expect(sum('redisCallsTotal')).toBe(upstash.requests);
      expect(points.map((p) => p.tier)).toEqual(['db', 'db', 'db', 'redis', 'redis', 'redis', 'redis']);
    } finally {
      await fixture.cleanup();
    }
  });

  it('writes a drain point after each Cron Trigger run, with the outbox depth left', async () => {
    await resetCollector();
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await worker({ OUTBOX_RETRY_AFTER_SECONDS: '0' }).scheduled();
    const drains = (await collected()).filter((p) => (p as { kind: string }).kind === 'drain') as unknown as Array<Record<string, unknown>>;
    expect(drains).toHaveLength(1);
    expect(drains[0]).toMatchObject({ kind: 'drain', done: true, depth: 0, oldestSeconds: 0 });
    expect(drains[0]!.statements).toBeGreaterThanOrEqual(2); // the pending rows, then the depth
  });

  it('never fails a request when the sink fails', async () => {
    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const res = await worker({ METRICS_LOCAL_URL: 'http://127.0.0.1:9/points' }).get('/health/live');
    expect(res.status).toBe(200);
    expect(warnings.some((w) => w.startsWith('metrics sink failed'))).toBe(true);
  });

  it('lays a request point out as the README queries read it', () => {
    const point: RequestPoint = {
      kind: 'request',
      requestId: 'r',
      method: 'GET',
      route: '/assertions/:id/verify',
      status: 200,
      tier: 'redis',
      statements: 1,
      redisCalls: 2,
      statementsTotal: 3,
      redisCallsTotal: 4,
      remoteFetches: 5,
      purge: 'failed',
      durationMs: 12.5,
    };
    expect(dataPointOf(point)).toEqual({
      indexes: ['GET /assertions/:id/verify'],
      blobs: ['request', 'GET', '/assertions/:id/verify', 'redis', 'failed', '2xx'],
      doubles: [200, 12.5, 1, 2, 3, 4, 5, 0, 0, 0],
    });
  });
});
