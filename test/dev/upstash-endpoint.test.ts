/** The local Upstash endpoint, driven by the real `@upstash/redis` client from Node. */
import { Redis } from '@upstash/redis';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';

const stack = inject('stack');
const redis = new Redis({ url: stack.upstashUrl, token: stack.upstashToken, enableAutoPipelining: false, retry: { retries: 0 } });
const prefix = `test:${crypto.randomUUID()}:`;
const key = (name: string) => prefix + name;

type Stats = { requests: number; commands: number };
const stats = async (): Promise<Stats> => (await fetch(`${stack.upstashUrl}/__stats`)).json() as Promise<Stats>;

beforeEach(() => fetch(`${stack.upstashUrl}/__stats/reset`, { method: 'POST' }));
afterAll(async () => {
  await redis.del(...['s', 'exp', 'gone', 'list', 'counter', 'm1', 'm2', 'uni'].map(key));
});

describe('Upstash REST endpoint', () => {
  it('sets, gets and deletes JSON values', async () => {
    await redis.set(key('s'), { name: 'Badge', n: 1 });
    expect(await redis.get(key('s'))).toEqual({ name: 'Badge', n: 1 });
    expect(await redis.del(key('s'))).toBe(1);
    expect(await redis.get(key('s'))).toBeNull();
  });

  it('expires keys set with PX', async () => {
    await redis.set(key('exp'), 'soon', { px: 150 });
    expect(await redis.pttl(key('exp'))).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await redis.get(key('exp'))).toBeNull();
  });

  it('keeps non-ASCII values intact through base64', async () => {
    const value = 'héllo ✓ 日本 🎓';
    await redis.set(key('uni'), value);
    expect(await redis.get(key('uni'))).toBe(value);
  });

  it('runs a pipeline as one request', async () => {
    const p = redis.pipeline();
    p.set(key('counter'), 1);
    p.incr(key('counter'));
    p.get(key('counter'));
    expect(await p.exec()).toEqual(['OK', 2, 2]);
    expect(await stats()).toMatchObject({ requests: 1, commands: 3, 'cmd:set': 1, 'cmd:incr': 1, 'cmd:get': 1 });
  });

  it('runs MULTI/EXEC transactions', async () => {
    const tx = redis.multi();
    tx.set(key('m1'), 'a');
    tx.set(key('m2'), 'b');
    tx.mget(key('m1'), key('m2'));
    expect(await tx.exec()).toEqual(['OK', 'OK', ['a', 'b']]);
  });

  it('evaluates Lua scripts', async () => {
    await redis.set(key('s'), 'lua');
    expect(await redis.eval('return redis.call("GET", KEYS[1])', [key('s')], [])).toBe('lua');
  });

  it('reports WRONGTYPE as a command error', async () => {
    await redis.lpush(key('list'), 'x');
    await expect(redis.get(key('list'))).rejects.toThrow(/WRONGTYPE/);
  });

  it('answers 401 to a wrong token', async () => {
    const intruder = new Redis({ url: stack.upstashUrl, token: 'wrong', retry: { retries: 0 } });
    await expect(intruder.get(key('s'))).rejects.toThrow(/Unauthorized/);
    const res = await fetch(stack.upstashUrl, { method: 'POST', headers: { authorization: 'Bearer wrong' }, body: '["PING"]' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
  });

  it('injects latency when asked and counts requests', async () => {
    await fetch(`${stack.upstashUrl}/__control`, { method: 'POST', body: JSON.stringify({ latencyMs: 80 }) });
    try {
      const started = performance.now();
      await redis.ping();
      expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    } finally {
      await fetch(`${stack.upstashUrl}/__control`, { method: 'POST', body: JSON.stringify({ latencyMs: 0 }) });
    }
    expect(await stats()).toMatchObject({ requests: 1, commands: 1, 'cmd:ping': 1 });
  });
});
