import { env, exports } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { control, neonStats, resetStats } from './stack.ts';
import { worker } from './worker.ts';

afterEach(() => control('neon', { fault: null }));

describe('GET /health', () => {
  it('reports the database and Redis reachable through the real drivers', async () => {
    const res = await exports.default.fetch(new Request('https://badges.test/health'));
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; database: { ok: boolean }; redis: { ok: boolean } }>();
    expect(body).toMatchObject({ status: 'ok', database: { ok: true }, redis: { ok: true } });
    console.log(`backends: ${env.STACK_BACKENDS}`);
  });

  it('checks the database at most once every few seconds per isolate', async () => {
    const w = worker();
    await resetStats();
    for (let i = 0; i < 10; i++) expect((await w.get('/health')).status).toBe(200);
    expect((await neonStats()).statements).toBe(1);
  });

  it('reports a failing database by the kind of failure, never its message', async () => {
    await control('neon', { fault: 'error' });
    const res = await worker().get('/health');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 'unavailable', database: { ok: false, error: 'unreachable' } });
    expect(text).not.toMatch(/select|postgres:|localtest|neon/i);
  });
});
