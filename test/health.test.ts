import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('GET /health', () => {
  it('reports the database and Redis reachable through the real drivers', async () => {
    const res = await exports.default.fetch(new Request('https://badges.test/health'));
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; database: { ok: boolean }; redis: { ok: boolean } }>();
    expect(body).toMatchObject({ status: 'ok', database: { ok: true }, redis: { ok: true } });
    console.log(`backends: ${env.STACK_BACKENDS}`);
  });
});
