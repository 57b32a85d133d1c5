/**
 * Property: under any interleaving of reads, revocations and badge edits through two isolates
 * (one data centre: shared Redis and edge, separate L1), no read is older than the freshness
 * contract allows: the writing isolate sees its write at once, another isolate sees a
 * revocation within the L1 assertion TTL, and a badge name within the assertion TTL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { worker } from '../worker.ts';

const L1_ASSERTION_TTL_MS = 1_000;
const ASSERTION_TTL_MS = 60_000;

type Op = { kind: 'read' | 'revoke' | 'rename' | 'sleep'; via: 0 | 1; ms: number };

const op = fc.record({
  kind: fc.constantFrom('read', 'read', 'read', 'revoke', 'rename', 'sleep'),
  via: fc.constantFrom(0 as const, 1 as const),
  ms: fc.integer({ min: 50, max: 700 }),
});

describe('freshness contract', () => {
  it('holds for random interleavings of reads and writes', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 12 }), async (ops: Op[]) => {
        const fixture = await createIssuerWithBadge();
        const id = await fixture.assertion();
        const isolates = [worker({ L1_ASSERTION_TTL_SECONDS: '1' }), worker({ L1_ASSERTION_TTL_SECONDS: '1' })];
        let revoked: { at: number; via: number } | undefined;
        const names: Array<{ name: string; at: number; via: number }> = [{ name: 'Test Badge', at: 0, via: -1 }];
        try {
          for (const [step, { kind, via, ms }] of ops.entries()) {
            const w = isolates[via]!;
            if (kind === 'sleep') await new Promise((r) => setTimeout(r, ms));
            if (kind === 'revoke' && !revoked) {
              expect((await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'test' })).status).toBe(200);
              revoked = { at: Date.now(), via };
            }
            if (kind === 'rename') {
              const name = `Name ${step}`;
              expect((await w.admin('PATCH', `/admin/badges/${fixture.badgeId}`, { name })).status).toBe(200);
              names.push({ name, at: Date.now(), via });
            }
            if (kind === 'read') {
              const started = Date.now();
              const report = await (await w.get(`/assertions/${id}/verify`)).json<VerificationReport>();
              if (revoked && (revoked.via === via || started - revoked.at > L1_ASSERTION_TTL_MS)) expect(report.status).toBe('revoked');
              // The newest name this isolate must already see, and every name it may still show.
              const mustSee = names.filter((n) => n.via === via || started - n.at > ASSERTION_TTL_MS).at(-1)!;
              const allowed = names.slice(names.indexOf(mustSee)).map((n) => n.name);
              expect(allowed).toContain(report.badge?.name);
            }
          }
        } finally {
          await fixture.cleanup();
        }
      }),
      { numRuns: 12 },
    );
  });
});
