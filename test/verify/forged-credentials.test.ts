/**
 * A forged OB 3.0 credential never reads valid: JSON that says less than its signed graph (an
 * inline context, a full-IRI key), a stranger's key claiming this deployment's records, and
 * documents made to hold the isolate with canonicalization work. These hold for any issuer's
 * credential, not only ours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerificationReport } from '../../src/verify/report.ts';
import { createIssuerWithBadge, DAY } from '../fixtures.ts';
import { neonStats, resetStats } from '../stack.ts';
import { worker } from '../worker.ts';
import { stranger, strangersOwn } from './strangers.ts';

type Credential = Record<string, unknown> & {
  '@context': unknown[];
  id: string;
  issuer: { id: string };
  credentialStatus: Record<string, unknown>;
  credentialSubject: { achievement: Record<string, unknown>; identifier: unknown[] };
  proof: unknown[];
};

let fixture: Awaited<ReturnType<typeof createIssuerWithBadge>>;
beforeAll(async () => {
  fixture = await createIssuerWithBadge();
});
afterAll(() => fixture.cleanup());

const w = worker();
const issue = async (extra: Record<string, unknown> = {}) => {
  const res = await w.admin('POST', '/admin/assertions', {
    badgeId: fixture.badgeId,
    recipient: { identity: 'dana@example.org' },
    ...extra,
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const credential = (await (await w.get(`/credentials/${id}`)).json()) as Credential;
  return { id, credential };
};
const verify = async (credential: unknown, recipient?: unknown) => {
  const { response } = await w.fetch('/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credential, ...(recipient ? { recipient } : {}) }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as VerificationReport;
};
const failedChecks = (report: VerificationReport) => report.checks.filter((c) => !c.passed).map((c) => c.name);

describe('POST /verify: the verdict reads what the proof signs', () => {
  it('a revoked credential whose status is hidden under an inline context term is not valid', async () => {
    const { id, credential } = await issue();
    expect((await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'test' })).status).toBe(200);
    const { credentialStatus, ...rest } = credential;
    const hidden = {
      ...rest,
      '@context': [
        ...credential['@context'],
        { hiddenStatus: { '@id': 'https://www.w3.org/2018/credentials#credentialStatus', '@type': '@id' } },
      ],
      hiddenStatus: credentialStatus,
    };
    const report = await verify(hidden);
    expect(report.valid).toBe(false);
    expect(report.status).not.toBe('valid');
    expect(report.ob3?.proof).toBe('failed');
    expect(report.checks.find((c) => c.name === 'proof')?.message).toMatch(/context/);
  });

  it('an expired credential whose validUntil is hidden under an inline context term is not valid', async () => {
    const { credential } = await issue({
      issuedOn: new Date(Date.now() - 30 * DAY).toISOString(),
      expires: new Date(Date.now() - DAY).toISOString(),
    });
    expect((await verify(credential)).status).toBe('expired');
    const { validUntil, ...rest } = credential;
    const hidden = {
      ...rest,
      '@context': [
        ...credential['@context'],
        { hiddenEnd: { '@id': 'https://www.w3.org/2018/credentials#validUntil', '@type': 'http://www.w3.org/2001/XMLSchema#dateTime' } },
      ],
      hiddenEnd: validUntil,
    };
    expect(await verify(hidden)).toMatchObject({ valid: false, ob3: { proof: 'failed' } });
  });

  it('a status moved under its full IRI (no new context, the same signed graph) is not valid', async () => {
    const { id, credential } = await issue();
    expect((await w.admin('POST', `/admin/assertions/${id}/revoke`, { reason: 'test' })).status).toBe(200);
    const { credentialStatus, ...rest } = credential;
    const moved = { ...rest, 'https://www.w3.org/2018/credentials#credentialStatus': credentialStatus };
    const report = await verify(moved);
    expect(report).toMatchObject({ valid: false, ob3: { proof: 'failed' } });
    expect(report.checks.find((c) => c.name === 'proof')?.message).toMatch(/differs from what its proof signs \(status\)/);
  });

  it('the untouched credential still verifies, so the checks above refuse the forgery and not the credential', async () => {
    const { credential } = await issue();
    expect(await verify(credential, { identity: 'dana@example.org' })).toMatchObject({
      valid: true,
      ob3: { proof: 'verified', status: 'active' },
      recipient: { matched: true },
    });
  });
});

describe("POST /verify: a stranger's key cannot claim this deployment's records", () => {
  it('a self-signed credential with one of our ids, our achievement and no status is an impersonation', async () => {
    const { credential } = await issue();
    const { proof: _, credentialStatus: __, ...unsigned } = credential;
    const { did, sign } = await stranger();
    const forged = await sign({ ...unsigned, issuer: { ...credential.issuer, id: did } });
    const report = await verify(forged, { identity: 'dana@example.org' });
    expect(report).toMatchObject({ valid: false, status: 'invalid', ob3: { proof: 'verified', status: 'none' } });
    expect(failedChecks(report)).toEqual(['issuer_of_claims']);
  });

  it('so is one naming only our badge class as its achievement, or an id of ours that does not exist', async () => {
    const { credential } = await issue();
    const { proof: _, credentialStatus: __, ...unsigned } = credential;
    const { did, sign } = await stranger();
    const ownId = { ...unsigned, id: `urn:uuid:${crypto.randomUUID()}`, issuer: { ...credential.issuer, id: did } };
    expect(failedChecks(await verify(await sign(ownId)))).toEqual(['issuer_of_claims']);
    const noSuchAward = {
      ...ownId,
      id: 'https://BADGES.test/credentials/no-such-award',
      credentialSubject: {
        ...credential.credentialSubject,
        achievement: { ...credential.credentialSubject.achievement, id: 'https://elsewhere.example/achievements/1' },
      },
    };
    expect(failedChecks(await verify(await sign(noSuchAward)))).toEqual(['issuer_of_claims']);
  });

  it("a stranger's credential about its own achievement, naming nothing of ours, verifies", async () => {
    const { credential } = await issue();
    const { did, sign } = await stranger();
    const own = strangersOwn(credential, did);
    expect(await verify(await sign(own))).toMatchObject({ valid: true, ob3: { proof: 'verified', status: 'none' } });
  });
});

describe('POST /verify: canonicalization work is bounded before it starts', () => {
  const madeUpProof = (credential: Credential) => credential.proof;
  /** The credential with `count` achievement tags: still an AchievementCredential, each tag a quad to canonicalize. */
  const withTags = (credential: Credential, count: number) => ({
    ...credential,
    credentialSubject: {
      ...credential.credentialSubject,
      achievement: { ...credential.credentialSubject.achievement, tag: Array.from({ length: count }, (_, i) => `value-${i}`) },
    },
  });

  it('refuses a credential with 10,000 added strings before any work on it (schema, canonicalization, lookups), with a made-up proof', async () => {
    const { credential } = await issue();
    const bloated = { ...withTags(credential, 10_000), proof: madeUpProof(credential) };
    await resetStats();
    const report = await verify(bloated);
    expect(report).toMatchObject({ valid: false, ob3: { conformance: 'failed' } });
    expect(report.checks.find((c) => c.name === 'conformance')?.message).toMatch(/too large to verify \(more than 400 values\)/);
    // Refused before any lookup: the status list and the issuer's keys are not read for it.
    expect((await neonStats()).statements).toBe(0);
  });

  it('refuses 1,500 identical blank nodes and deep nesting the same way', async () => {
    const { credential } = await issue();
    const identifier = credential.credentialSubject.identifier[0];
    const blanks = {
      ...credential,
      credentialSubject: { ...credential.credentialSubject, identifier: Array.from({ length: 1500 }, () => identifier) },
    };
    expect((await verify(blanks)).checks.find((c) => c.name === 'conformance')?.message).toMatch(/too large to verify/);
    let deep: unknown = 'x';
    for (let i = 0; i < 50; i++) deep = { narrative: deep };
    const nested = {
      ...credential,
      credentialSubject: {
        ...credential.credentialSubject,
        achievement: { ...credential.credentialSubject.achievement, criteria: { narrative: 'x', nest: deep } },
      },
    };
    expect((await verify(nested)).checks.find((c) => c.name === 'conformance')?.message).toMatch(
      /nested deeper than 16|more than 40 objects/,
    );
  });

  it('answers /health promptly while a hostile body is being refused', async () => {
    const { credential } = await issue();
    const bloated = withTags(credential, 60_000);
    const [refused, health] = await Promise.all([
      w.fetch('/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ credential: bloated }),
      }),
      w.get('/health/live'),
    ]);
    expect(refused.response.status).toBe(422);
    expect(((await refused.response.json()) as { code: string }).code).toBe('json_too_complex');
    expect(health.status).toBe(200);
  });
});

describe('POST /verify: JSON is counted before it is parsed', () => {
  it('refuses 2 MiB of short values with 422 json_too_complex, as a body and baked into an image', async () => {
    const values = `[${Array.from({ length: 300_000 }, () => '0').join(',')}]`;
    const { response } = await w.fetch('/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"credential":{"tag":${values}}}`,
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { code: string }).code).toBe('json_too_complex');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[{"tag":${values}}]]></openbadges:credential></svg>`;
    const baked = await w.fetch('/verify', { method: 'POST', headers: { 'content-type': 'image/svg+xml' }, body: svg });
    expect(baked.response.status).toBe(422);
    expect(((await baked.response.json()) as { code: string }).code).toBe('json_too_complex');
  });

  it('still takes a credential with a long string (an embedded image) well past that count in bytes', async () => {
    const { credential } = await issue();
    const report = await verify({ ...credential, image: { id: `data:image/png;base64,${'A'.repeat(400_000)}`, type: 'Image' } });
    // Parsed and verified: the image is not part of what was signed, so the proof fails, but nothing refused it as too complex.
    expect(report.ob3).toMatchObject({ conformance: 'passed', proof: 'failed' });
  });
});
