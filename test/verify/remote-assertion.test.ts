/**
 * Open Badges 2.0 badges of other hosts, verified by `verifyRemoteAssertion` through a real remote
 * session (the fetcher, L1 and Redis) on the "remote issuers" fixtures (dev/remote-issuers/ob2.ts):
 * hosted and signed, every way one can fail, and a hosted revocation seen once the status bound allows.
 */
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureCase } from '../../dev/remote-issuers/types.ts';
import { newDataScope } from '../../src/data/scope.ts';
import type { RecipientClaim } from '../../src/openbadges/recipient.ts';
import { depsFor } from '../../src/platform/deps.ts';
import { openRemoteSession } from '../../src/remote/session.ts';
import { type HeldAssertion, verifyRemoteAssertion } from '../../src/verify/ob2/remote-assertion.ts';
import { type VerificationReport, verificationReport } from '../../src/verify/report.ts';

const control = (path: string, init?: RequestInit) => fetch(`${env.REMOTE_CONTROL_URL}${path}`, init);

let cases = new Map<string, FixtureCase>();
const readCases = async () => {
  const all = await (await control('/cases')).json<FixtureCase[]>();
  cases = new Map(all.filter((c) => /^ob[12]-/.test(c.name)).map((c) => [c.name, c]));
};
beforeAll(async () => {
  await control('/reset', { method: 'POST' });
  await readCases();
});
afterAll(async () => {
  await control('/reset', { method: 'POST' });
});

const heldOf = (assertion: unknown): HeldAssertion =>
  typeof assertion !== 'string'
    ? { document: assertion as Record<string, unknown> }
    : assertion.startsWith('https://')
      ? { url: assertion }
      : { jws: assertion };

/** One verification in its own session, background cache writes awaited; the report must fit the published schema. */
async function verifyHeld(held: HeldAssertion, recipient?: RecipientClaim, options: { bindings?: Cloudflare.Env; now?: Date } = {}) {
  const pending: Promise<unknown>[] = [];
  const scope = newDataScope(depsFor(options.bindings ?? env), (work) => pending.push(work));
  const report = await verifyRemoteAssertion(openRemoteSession(scope), held, recipient, options.now ?? new Date());
  await Promise.all(pending);
  expect(verificationReport.safeParse(report).error).toBeUndefined();
  return report;
}

function fixture(name: string) {
  const c = cases.get(name);
  expect(c, `fixture case ${name}`).toBeDefined();
  return c!;
}

const verifyCase = (name: string, options?: { bindings?: Cloudflare.Env; now?: Date }) => {
  const { assertion, recipient } = fixture(name).body as { assertion: unknown; recipient?: RecipientClaim };
  return verifyHeld(heldOf(assertion), recipient, options);
};

const failed = (report: VerificationReport) => report.checks.filter((c) => !c.passed).map((c) => c.name);
const checkOf = (report: VerificationReport, name: string) => report.checks.find((c) => c.name === name);

describe('verifyRemoteAssertion on the OB 2.0 fixtures', () => {
  it('gives every case the verdict the fixtures expect', async () => {
    expect(cases.size).toBeGreaterThanOrEqual(20);
    const wrong: string[] = [];
    for (const c of cases.values()) {
      const report = await verifyCase(c.name);
      if (report.status !== c.expect) wrong.push(`${c.name}: expected ${c.expect}, got ${report.status} (${failed(report).join(', ')})`);
    }
    expect(wrong).toEqual([]);
  });

  it('uses stable snake_case check names, each once', async () => {
    for (const c of cases.values()) {
      const names = (await verifyCase(c.name)).checks.map((check) => check.name);
      for (const name of names) expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(new Set(names).size, c.name).toBe(names.length);
    }
  });
});

describe('hosted OB 2.0 assertions', () => {
  it('a valid one: every check passes, with the badge, the issuer (not ours) and the documents used', async () => {
    const report = await verifyCase('ob2-hosted-valid');
    expect(report).toMatchObject({ valid: true, status: 'valid', recipient: { matched: null } });
    expect(failed(report)).toEqual([]);
    for (const name of [
      'fetched',
      'hosted_at_id',
      'assertion_type',
      'verification_type',
      'required_properties',
      'hosted_scope',
      'issued_on',
      'not_revoked',
      'not_expired',
    ])
      expect(checkOf(report, name)?.passed, name).toBe(true);
    expect(report.assertion).toEqual({
      id: 'https://ob2-hosted.example/assertions/valid',
      issuedOn: '2025-01-15T12:00:00.000Z',
      expires: null,
      revoked: false,
      revocationReason: null,
    });
    expect(report.badge).toMatchObject({ id: 'https://ob2-hosted.example/badges/basic', name: 'Basic Badge' });
    expect(report.issuer).toEqual({
      id: 'https://ob2-hosted.example/issuer',
      name: 'Hosted Example Academy',
      url: 'https://ob2-hosted.example',
      thisDeployment: false,
    });
    expect(report.sources?.map((s) => [s.url, s.kind])).toEqual([
      ['https://ob2-hosted.example/assertions/valid', 'status'],
      ['https://ob2-hosted.example/badges/basic', 'definition'],
      ['https://ob2-hosted.example/issuer', 'definition'],
    ]);
  });

  it('a warm verification reads every document from the tiers', async () => {
    await verifyCase('ob2-hosted-valid');
    const warm = await verifyCase('ob2-hosted-valid');
    expect(warm.status).toBe('valid');
    expect(warm.sources?.every((s) => s.from === 'cache')).toBe(true);
  });

  it('410 Gone is revoked, with the reason its body gives (the 1EdTech validator calls this valid)', async () => {
    const report = await verifyCase('ob2-hosted-revoked-410');
    expect(report.status).toBe('revoked');
    expect(report.valid).toBe(false);
    expect(checkOf(report, 'not_revoked')).toMatchObject({ passed: false, message: expect.stringContaining('Awarded in error') });
    expect(report.sources?.[0]).toMatchObject({ url: 'https://ob2-hosted.example/assertions/revoked', kind: 'status', status: 410 });
  });

  it('200 with revoked: true is revoked too, and the report says why', async () => {
    const report = await verifyCase('ob2-hosted-revoked-flag');
    expect(report.status).toBe('revoked');
    expect(report.assertion).toMatchObject({ revoked: true, revocationReason: 'Conduct' });
    expect(failed(report)).toEqual(['not_revoked']);
  });

  it("outside the issuer's host, with no allowedOrigins, is invalid (hosted_scope)", async () => {
    const report = await verifyCase('ob2-hosted-wrong-origin');
    expect(report.status).toBe('invalid');
    expect(failed(report)).toEqual(['hosted_scope']);
  });

  it("an embedded issuer with a real issuer's id is read from that id: a verification policy of the holder's making counts for nothing", async () => {
    const report = await verifyCase('ob2-hosted-embedded-issuer-forged');
    expect(report.status).toBe('invalid');
    expect(failed(report)).toEqual(['hosted_scope']);
    expect(report.sources?.map((s) => s.url)).toContain('https://ob2-hosted.example/issuer');
  });

  it('on a host the issuer lists in verification.allowedOrigins is valid; a missing issuer email is reported, not held against it', async () => {
    const report = await verifyCase('ob2-hosted-allowed-origin');
    expect(report.status).toBe('valid');
    expect(checkOf(report, 'hosted_scope')?.passed).toBe(true);
    expect(failed(report)).toEqual(['issuer_email']);
  });

  it('past its expires date is expired', async () => {
    const report = await verifyCase('ob2-hosted-expired');
    expect(report.status).toBe('expired');
    expect(failed(report)).toEqual(['not_expired']);
    expect(report.assertion?.expires).toBe('2025-06-01T00:00:00.000Z');
  });

  it('an issue date after `now` is invalid (a structural check, as for our own assertions)', async () => {
    const report = await verifyCase('ob2-hosted-valid', { now: new Date('2024-06-01T00:00:00Z') });
    expect(report.status).toBe('invalid');
    expect(failed(report)).toEqual(['issued_on']);
  });

  it('a 404 is not_found, saying nothing is hosted there', async () => {
    const report = await verifyCase('ob2-hosted-not-found');
    expect(report.status).toBe('not_found');
    expect(checkOf(report, 'exists')).toMatchObject({ passed: false, message: expect.stringContaining('/assertions/missing') });
  });

  it('a document whose id is not the URL asked for is invalid', async () => {
    const report = await verifyCase('ob2-hosted-id-elsewhere');
    expect(report.status).toBe('invalid');
    expect(failed(report)).toEqual(['hosted_at_id']);
  });

  it('checks a salted sha256 recipient: the right person matches, anyone else is invalid', async () => {
    const right = await verifyCase('ob2-hosted-recipient-matches');
    expect(right).toMatchObject({ status: 'valid', recipient: { matched: true } });
    expect(checkOf(right, 'recipient')?.passed).toBe(true);
    const wrong = await verifyCase('ob2-hosted-recipient-differs');
    expect(wrong).toMatchObject({ status: 'invalid', recipient: { matched: false } });
    expect(failed(wrong)).toEqual(['recipient']);
  });

  it('compares a held copy with the hosted one at its id: the same is valid, a different recipient is invalid', async () => {
    const same = await verifyCase('ob2-hosted-supplied-copy');
    expect(same.status).toBe('valid');
    expect(checkOf(same, 'matches_hosted')?.passed).toBe(true);
    const differs = await verifyCase('ob2-hosted-supplied-differs');
    expect(differs.status).toBe('invalid');
    expect(failed(differs)).toEqual(['matches_hosted']);
  });

  it('an assertion whose host answers 503 is unverifiable, naming the URL and the failure', async () => {
    const report = await verifyCase('ob2-host-down');
    expect(report.status).toBe('unverifiable');
    expect(checkOf(report, 'fetched')).toMatchObject({
      passed: false,
      message: expect.stringMatching(/https:\/\/ob2-down\.example\/assertions\/1 .*bad_status/),
    });
    expect(report.sources?.[0]).toMatchObject({ url: 'https://ob2-down.example/assertions/1', error: { code: 'bad_status' } });
  });

  it('Open Badges 1.x is refused as unsupported, by URL or as a document, with nothing more fetched', async () => {
    const report = await verifyCase('ob1-hosted');
    expect(report.status).toBe('invalid');
    expect(checkOf(report, 'unsupported_version')).toEqual({
      name: 'unsupported_version',
      passed: false,
      message: 'Open Badges 1.x is not supported; ask the issuer for an OB 2.0 or 3.0 badge.',
    });
    expect(report.sources).toHaveLength(1);
    const held = await verifyHeld({
      document: { '@context': 'https://w3id.org/openbadges/v1', id: 'https://ob2-hosted.example/v1/assertions/2', type: 'Assertion' },
    });
    expect(failed(held)).toContain('unsupported_version');
    expect(held.sources).toEqual([]);
  });

  it('revoke:<case> turns a hosted assertion into a 410, seen once its status copy is no longer fresh', async () => {
    // A status bound of 0: every verification revalidates the assertion at its host.
    const bindings = { ...env, REMOTE_STATUS_TTL_SECONDS: '0' };
    expect((await verifyCase('ob2-hosted-revocable', { bindings })).status).toBe('valid');
    const action = await control(`/actions/${encodeURIComponent('revoke:ob2-hosted-revocable')}`, { method: 'POST' });
    expect(action.status).toBe(200);
    const report = await verifyCase('ob2-hosted-revocable', { bindings });
    expect(report.status).toBe('revoked');
    expect(report.sources?.[0]).toMatchObject({ kind: 'status', status: 410 });
    await readCases();
    expect(cases.get('ob2-hosted-revocable')?.expect).toBe('revoked');
  });
});

describe('signed OB 2.0 assertions (RS256 JWS)', () => {
  it('a valid one: the signature verifies with a key the issuer owns, and the RevocationList does not list it', async () => {
    const report = await verifyCase('ob2-signed-valid');
    expect(report.status).toBe('valid');
    expect(failed(report)).toEqual([]);
    expect(checkOf(report, 'signature')?.passed).toBe(true);
    expect(checkOf(report, 'key_owner')?.passed).toBe(true);
    expect(report.proofs).toEqual([
      {
        type: 'RS256',
        verificationMethod: 'https://ob2-signed.example/keys/1',
        verified: true,
        byIssuer: true,
        message: expect.any(String),
      },
    ]);
    expect(report.issuer).toMatchObject({ id: 'https://ob2-signed.example/issuer', thisDeployment: false });
    expect(report.sources?.map((s) => [s.url, s.kind])).toEqual(
      expect.arrayContaining([
        ['https://ob2-signed.example/keys/1', 'definition'],
        ['https://ob2-signed.example/badges/signed', 'definition'],
        ['https://ob2-signed.example/issuer', 'definition'],
        ['https://ob2-signed.example/revocations', 'status'],
      ]),
    );
  });

  it("listed in the issuer's RevocationList (by id, with a reason, or by legacy uid) is revoked", async () => {
    const byId = await verifyCase('ob2-signed-revoked');
    expect(byId.status).toBe('revoked');
    expect(byId.assertion).toMatchObject({ revoked: true, revocationReason: 'Issued in error' });
    const byUid = await verifyCase('ob2-signed-revoked-by-uid');
    expect(byUid.status).toBe('revoked');
    expect(byUid.assertion?.revocationReason).toBe('Awarded twice');
  });

  it('a tampered payload fails the signature, and its revocation list is not consulted', async () => {
    const report = await verifyCase('ob2-signed-tampered');
    expect(report.status).toBe('invalid');
    expect(failed(report)).toEqual(['signature']);
    expect(report.proofs?.[0]).toMatchObject({ verified: false });
    expect(report.sources?.map((s) => s.url)).not.toContain('https://ob2-signed.example/revocations');
  });

  it("a key owned by someone else than the badge's issuer is invalid, though the signature verifies", async () => {
    const report = await verifyCase('ob2-signed-key-not-owned');
    expect(report.status).toBe('invalid');
    expect(failed(report)).toEqual(['key_owner']);
    expect(report.proofs?.[0]).toMatchObject({ verified: true, byIssuer: false });
  });

  it("a stranger's key claiming the issuer is not the issuer's, even with the issuer embedded listing it", async () => {
    const report = await verifyCase('ob2-signed-embedded-issuer-forged');
    expect(report.status).toBe('invalid');
    expect(failed(report)).toEqual(['key_owner']);
    expect(checkOf(report, 'key_owner')?.message).toContain('does not list the key');
  });

  it('another algorithm than RS256 is refused before anything is fetched', async () => {
    const report = await verifyCase('ob2-signed-hs256');
    expect(report.status).toBe('invalid');
    expect(checkOf(report, 'signature')).toMatchObject({ passed: false, message: expect.stringContaining('HS256') });
    expect(report.sources).toEqual([]);
  });

  it('an unreachable RevocationList makes it unverifiable, naming the list', async () => {
    const report = await verifyCase('ob2-signed-revocation-list-down');
    expect(report.status).toBe('unverifiable');
    expect(checkOf(report, 'signature')?.passed).toBe(true);
    expect(checkOf(report, 'fetched')?.message).toContain('https://ob2-down.example/revocations');
  });

  it('a JWS that is not a signed assertion is invalid, never a crash', async () => {
    const notJson = await verifyHeld({ jws: 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2lnbmF0dXJl' });
    expect(notJson.status).toBe('invalid');
    expect(checkOf(notJson, 'signature')?.message).toContain('payload is not JSON');
    const array = await verifyHeld({ jws: `eyJhbGciOiJSUzI1NiJ9.${btoa('[1,2]').replace(/=+$/, '')}.c2lnbmF0dXJl` });
    expect(array.status).toBe('invalid');
    expect(failed(array)).toContain('well_formed');
  });
});
