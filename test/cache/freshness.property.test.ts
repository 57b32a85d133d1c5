/**
 * Property: random interleavings of revokes, badge edits and reads in several isolates, Redis
 * failing and recovering, and outbox drains. L1 is off (lifetime 0), so every read reaches the
 * shared tiers, and the contract is exact: a read after a write answered shows it, except that
 * a record written while Redis was failing may be shown old by Redis once it is back, until the
 * outbox is drained (or the record is written again).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge } from '../fixtures.ts';
import { control } from '../stack.ts';
import { worker } from '../worker.ts';

const ISOLATES = 3;
const ASSERTIONS = 3;

type Op =
  | { kind: 'revoke'; isolate: number; assertion: number }
  | { kind: 'edit'; isolate: number }
  | { kind: 'read'; isolate: number; assertion: number }
  | { kind: 'redis'; failing: boolean }
  | { kind: 'drain'; isolate: number };

const isolate = fc.nat(ISOLATES - 1);
const assertion = fc.nat(ASSERTIONS - 1);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revoke' as const), isolate, assertion }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), isolate }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('read' as const), isolate, assertion }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('redis' as const), failing: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drain' as const), isolate }) },
);

afterEach(async () => {
  await control('upstash', { fault: null });
  vi.restoreAllMocks();
});

describe('freshness under interleavings (property)', () => {
  it('no read shows a state older than the last answered write, beyond the stated outbox window', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 14 }), async (ops) => {
        const fixture = await createIssuerWithBadge();
        const isolates = Array.from({ length: ISOLATES }, () =>
          worker({ L1_TTL_SECONDS: '0', REDIS_TIMEOUT_MS: '100', OUTBOX_RETRY_AFTER_SECONDS: '0' }),
        );
        let redisFailing = false;
        try {
          const issued = await isolates[0]!.admin('POST', '/admin/assertions/batch', {
            badgeId: fixture.badgeId,
            recipients: Array.from({ length: ASSERTIONS }, (_, i) => ({ identity: `p${i}@example.org` })),
          });
          const ids = (await issued.json<{ assertions: Array<{ id: string }> }>()).assertions.map((a) => a.id);
          // The model: what the database holds, and what Redis may still show old after an outage.
          const revoked = new Set<number>();
          let badgeName = 'Test Badge';
          const pending = new Set<string>(); // 'badge' or an assertion index, written while Redis failed

          for (const step of ops) {
            const w = isolates[step.kind === 'redis' ? 0 : step.isolate]!;
            if (step.kind === 'redis') {
              redisFailing = step.failing;
              await control('upstash', { fault: step.failing ? 'error' : null });
            } else if (step.kind === 'revoke') {
              expect((await w.admin('POST', `/admin/assertions/${ids[step.assertion]}/revoke`, { reason: 'property' })).status).toBe(200);
              revoked.add(step.assertion);
              if (redisFailing) pending.add(String(step.assertion));
              else pending.delete(String(step.assertion));
            } else if (step.kind === 'edit') {
              badgeName = `Badge ${crypto.randomUUID().slice(0, 8)}`;
              expect((await w.admin('PATCH', `/admin/badges/${fixture.badgeId}`, { name: badgeName })).status).toBe(200);
              if (redisFailing) pending.add('badge');
              else pending.delete('badge');
            } else if (step.kind === 'drain') {
              await w.scheduled();
              if (!redisFailing) pending.clear();
            } else {
              const report = await (await w.get(`/assertions/${ids[step.assertion]}/verify`)).json<VerificationReport>();
              // While Redis fails every read goes to the primary: always exact.
              const mayLagAssertion = !redisFailing && pending.has(String(step.assertion));
              const mayLagBadge = !redisFailing && pending.has('badge');
              if (!mayLagAssertion)
                expect(report.status, `read of ${step.assertion} after ${JSON.stringify(ops)}`).toBe(
                  revoked.has(step.assertion) ? 'revoked' : 'valid',
                );
              if (!mayLagBadge) expect(report.badge?.name, `badge name after ${JSON.stringify(ops)}`).toBe(badgeName);
            }
          }
          // Once Redis answers and the outbox is drained, every isolate agrees with the database.
          await control('upstash', { fault: null });
          await isolates[0]!.scheduled();
          for (const [i, id] of ids.entries()) {
            for (const w of isolates) {
              const report = await (await w.get(`/assertions/${id}/verify`)).json<VerificationReport>();
              expect(report.status).toBe(revoked.has(i) ? 'revoked' : 'valid');
              expect(report.badge?.name).toBe(badgeName);
            }
          }
        } finally {
          await control('upstash', { fault: null });
          await fixture.cleanup();
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
