/**
 * Other issuers' badges, as a verifier holds them: every case of the "remote issuers" fixtures
 * (made with Digital Bazaar's suites and jose, served on made-up hosts through REMOTE_FETCH_HOSTS)
 * gets the verdict the specifications give it through POST /verify, and a remote revocation is
 * seen by every isolate within REMOTE_STATUS_TTL_SECONDS.
 */
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureCase } from '../../dev/remote-issuers/types.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import { worker } from '../worker.ts';

const control = (path: string, init?: RequestInit) => fetch(`${env.REMOTE_CONTROL_URL}${path}`, init);

let cases: FixtureCase[] = [];
beforeAll(async () => {
  await control('/reset', { method: 'POST' });
  cases = await (await control('/cases')).json<FixtureCase[]>();
});
afterAll(async () => {
  await control('/reset', { method: 'POST' });
});

async function verify(w: ReturnType<typeof worker>, body: unknown): Promise<VerificationReport> {
  const { response, settled } = await w.fetch('/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await settled;
  expect(response.status).toBe(200);
  return response.json<VerificationReport>();
}

describe('badges of other issuers', () => {
  it('gives every fixture case the verdict the specifications give it', async () => {
    expect(cases.length).toBeGreaterThan(20);
    // Status documents asked of their hosts every time: what another run (or test) kept cannot decide.
    const w = worker({ REMOTE_STATUS_TTL_SECONDS: '0' });
    const wrong: string[] = [];
    for (const c of cases) {
      const report = await verify(w, c.body);
      if (report.status !== c.expect)
        wrong.push(
          `${c.name}: expected ${c.expect}, got ${report.status} (${report.checks
            .filter((k) => !k.passed)
            .map((k) => k.message)
            .join(' | ')})`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('reports every proof, the schema verdict and every remote document used', async () => {
    const two = cases.find((c) => /two-proofs/.test(c.name) && c.expect === 'valid');
    expect(two).toBeDefined();
    const report = await verify(worker(), two!.body);
    expect(report.proofs?.length).toBe(2);
    expect(report.proofs?.every((p) => p.verified && p.byIssuer)).toBe(true);
    expect(report.schema).toBeDefined();
    expect(report.sources?.length).toBeGreaterThan(0);
    for (const source of report.sources ?? []) expect(source.url).toMatch(/^https:\/\//);
  });

  it('answers a warm verification from the tiers, with no remote fetch', async () => {
    const valid = cases.find(
      (c) => /did-web/.test(c.name) && c.expect === 'valid' && typeof (c.body as { credential?: unknown }).credential === 'object',
    );
    expect(valid).toBeDefined();
    await verify(worker(), valid!.body);
    const warm = await verify(worker(), valid!.body);
    expect(warm.status).toBe('valid');
    expect(warm.sources?.length).toBeGreaterThan(0);
    expect(warm.sources?.every((s) => s.from === 'cache')).toBe(true);
  });
});

describe('a remote revocation', () => {
  it('is seen by every isolate within REMOTE_STATUS_TTL_SECONDS', async () => {
    const target = cases.find((c) => /bitstring/.test(c.name) && /revocation/.test(c.name) && c.expect === 'valid');
    expect(target, 'a valid credential with a Bitstring revocation entry').toBeDefined();
    const ttl = 2;
    const isolates = [0, 1, 2].map(() => worker({ REMOTE_STATUS_TTL_SECONDS: String(ttl) }));
    for (const w of isolates) expect((await verify(w, target!.body)).status).toBe('valid');
    const revoked = await control(`/actions/${encodeURIComponent(`revoke:${target!.name}`)}`, { method: 'POST' });
    expect(revoked.status).toBe(200);
    const at = Date.now();
    const seen = new Map<number, number>();
    while (seen.size < isolates.length && Date.now() - at < (ttl + 3) * 1000) {
      await Promise.all(
        isolates.map(async (w, i) => {
          if (!seen.has(i) && (await verify(w, target!.body)).status === 'revoked') seen.set(i, Date.now() - at);
        }),
      );
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen.size).toBe(isolates.length);
    for (const ms of seen.values()) expect(ms).toBeLessThanOrEqual(ttl * 1000 + 1000);
  });
});
