/**
 * What one credential may make the verifier do, and what its JWT claims must agree with: a
 * credential cannot buy more proofs, status entries or remote contexts than real ones carry, a
 * status list's proof is only worth checking for a credential whose own proof holds, and a VC-JWT's
 * `exp`, `nbf` and `sub` count whichever data model the credential follows.
 */
import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { MAX_PROOFS } from '../../src/credentials/data-integrity.ts';
import { toBase64url } from '../../src/lib/base64.ts';
import { MAX_STATUS_ENTRIES } from '../../src/verify/vc/credential-status.ts';
import { REMOTE_CONTEXT_LIMITS } from '../../src/verify/vc/held-credential.ts';
import { worker } from '../worker.ts';
import { credentialBy, plant, stranger, verifyCredential } from './strangers.ts';

const HOST = env.REMOTE_HOSTILE_HOST;
const V2 = 'https://www.w3.org/ns/credentials/v2';
const OB = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

const w = worker({ REMOTE_STATUS_TTL_SECONDS: '0' });
const verify = (credential: unknown) => verifyCredential(w, credential);

type Signed = ReturnType<typeof credentialBy> & { proof: Array<Record<string, unknown>> };
const signedBy = async (signer: Awaited<ReturnType<typeof stranger>>, credential: object) =>
  (await signer.sign(credential)) as unknown as Signed;

const entry = (list: string, index: number, statusPurpose = 'revocation') => ({
  id: `${list}#${index}`,
  type: 'BitstringStatusListEntry',
  statusPurpose,
  statusListIndex: String(index),
  statusListCredential: list,
});

describe('what one credential may cost', () => {
  it(`refuses more than ${MAX_PROOFS} proofs before checking any`, async () => {
    const signer = await stranger();
    const signed = await signedBy(signer, credentialBy(signer.did));
    const proof = signed.proof[0]!;
    const report = await verify({ ...signed, proof: Array.from({ length: MAX_PROOFS + 1 }, () => proof) });
    expect(report.status).toBe('invalid');
    expect(report.proofs).toEqual([expect.objectContaining({ verified: false, message: expect.stringMatching(/more than 4/) })]);
    // The same proof, once, verifies: the count alone refused it.
    expect((await verify(signed)).status).toBe('valid');
  });

  it(`refuses more than ${MAX_STATUS_ENTRIES} status entries without fetching a list`, async () => {
    const signer = await stranger();
    const list = `https://${HOST}/planted/${crypto.randomUUID()}`;
    const entries = Array.from({ length: MAX_STATUS_ENTRIES + 1 }, (_, i) => entry(list, i));
    const report = await verify(await signer.sign(credentialBy(signer.did, { credentialStatus: entries })));
    expect(report.status).toBe('invalid');
    expect(report.checks.find((c) => c.name === 'not_revoked')?.message).toMatch(/more than 8/);
    expect(report.sources).toEqual([]);
  });

  it('checks a status list’s proof only for a credential whose own proof holds', async () => {
    const signer = await stranger();
    // A well-formed list credential of the signer's, unsigned: only its proof check could refuse it.
    const list = await plant({
      '@context': [V2],
      id: 'urn:list',
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: signer.did,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: {
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
      },
    });
    const signed = await signedBy(signer, credentialBy(signer.did, { credentialStatus: entry(list, 3) }));
    const forged = { ...signed, name: 'Another badge' };
    const report = await verify(forged);
    expect(report.status).toBe('invalid');
    expect(report.checks.find((c) => c.name === 'not_revoked')?.message).toMatch(
      /not checked, since the credential's own proof does not hold/,
    );
    // With its own proof holding, the list's (missing) proof is what refuses it.
    const honest = await verify(signed);
    expect(honest.checks.find((c) => c.name === 'not_revoked')?.message).toMatch(/carries no proof/);
  });

  it(`uses at most ${REMOTE_CONTEXT_LIMITS.count} remote contexts`, async () => {
    const signer = await stranger();
    const contexts = await Promise.all(
      Array.from({ length: REMOTE_CONTEXT_LIMITS.count + 1 }, (_, i) =>
        plant({ '@context': { [`term${i}`]: `https://elsewhere.example/terms#${i}` } }),
      ),
    );
    // A proof of the right shape is enough: the contexts are counted while the document is canonicalized, before its signature is.
    const { proof } = await signedBy(signer, credentialBy(signer.did));
    const report = await verify({ ...credentialBy(signer.did, { '@context': [V2, OB, ...contexts] }), proof });
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]?.message).toMatch(/more than 4 remote contexts/);
  });

  it('reads a credential whose context cannot be fetched now as unverifiable, not invalid', async () => {
    const signer = await stranger();
    const { proof } = await signedBy(signer, credentialBy(signer.did));
    const failing = `https://${HOST}/status/503?nonce=${crypto.randomUUID()}`;
    const report = await verify({ ...credentialBy(signer.did, { '@context': [V2, OB, failing] }), proof });
    expect(report.status).toBe('unverifiable');
    expect(report.proofs?.[0]?.message).toMatch(/^unverifiable: .*could not be fetched \(bad_status\)/);
  });
});

/** A VC-JWT signed by a fresh did:jwk, with the payload's registered claims as given. */
async function vcJwt(payload: (issuer: string) => Record<string, unknown>) {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const issuer = `did:jwk:${toBase64url(new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey))))}`;
  return new SignJWT(payload(issuer)).setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt' }).sign(privateKey);
}
const seconds = (offsetDays: number) => Math.floor(Date.now() / 1000) + offsetDays * 86_400;

describe('a VC-JWT’s registered claims', () => {
  it('reads a 2.0 credential past its JWT exp as expired', async () => {
    const jwt = await vcJwt((issuer) => ({ ...credentialBy(issuer), iss: issuer, exp: seconds(-1) }));
    const report = await verify(jwt);
    expect(report.proofs?.[0]).toMatchObject({ verified: true });
    expect(report.status).toBe('expired');
  });

  it('reads a 2.0 credential before its JWT nbf as not yet valid', async () => {
    const jwt = await vcJwt((issuer) => ({ ...credentialBy(issuer), validFrom: undefined, iss: issuer, nbf: seconds(2) }));
    expect((await verify(jwt)).status).toBe('not_yet_valid');
  });

  it('refuses a JWT whose exp and validUntil disagree', async () => {
    const until = new Date(seconds(30) * 1000).toISOString();
    const jwt = await vcJwt((issuer) => ({ ...credentialBy(issuer, { validUntil: until }), iss: issuer, exp: seconds(-1) }));
    const report = await verify(jwt);
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]?.message).toMatch(/validUntil differs from its JWT claim/);
  });

  it('refuses a JWT whose sub is not its subject', async () => {
    const jwt = await vcJwt((issuer) => {
      const credential = credentialBy(issuer);
      return {
        vc: {
          ...credential,
          '@context': ['https://www.w3.org/2018/credentials/v1', OB],
          credentialSubject: { ...credential.credentialSubject, id: 'did:example:ada' },
        },
        iss: issuer,
        sub: 'did:example:eve',
      };
    });
    const report = await verify(jwt);
    expect(report.status).toBe('invalid');
    expect(report.proofs?.[0]?.message).toMatch(/credentialSubject.id differs from its JWT sub claim/);
  });
});
