/**
 * @module Open Badges 2.0 issuers on made-up hosts: a hosted issuer (valid, expired, revoked by a
 * 410 and by `revoked: true`, outside and inside its verification scope, not found, a copy that
 * differs), a signed issuer (RS256 JWS signed with `jose`, a RevocationList), an OB 1.x assertion,
 * and a host that answers 503. Every document is the same every run (the RSA key comes from a
 * seed), except the one assertion the `revoke:` tests change, whose path is new each build.
 */
import { createHash, randomUUID } from 'node:crypto';
import { CompactSign } from 'jose';
import { deterministicRsaKey } from './rsa-key.ts';
import type { FixtureCase, FixtureHost, FixtureSet, Served } from './types.ts';

type Json = Record<string, unknown>;

const OB2 = 'https://w3id.org/openbadges/v2';
const HOSTED = 'ob2-hosted.example';
const ELSEWHERE = 'ob2-elsewhere.example';
const SIGNED = 'ob2-signed.example';
const DOWN = 'ob2-down.example';

const url = (host: string, path: string) => `https://${host}${path}`;

/** Assertions carry revocation: verifiers keep them briefly (the Worker at most REMOTE_STATUS_TTL_SECONDS). */
const STATUS_HEADERS = { 'cache-control': 'max-age=60' };

function definitionHeaders(body: string): Record<string, string> {
  return { 'cache-control': 'max-age=3600', etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"` };
}

const ldJson = (document: Json, headers: Record<string, string>, status = 200): Served => ({
  status,
  contentType: 'application/ld+json',
  body: JSON.stringify(document),
  headers,
});
const definition = (document: Json): Served => {
  const body = JSON.stringify(document);
  return { status: 200, contentType: 'application/ld+json', body, headers: definitionHeaders(body) };
};
const status = (document: Json, code = 200): Served => ldJson(document, STATUS_HEADERS, code);

/** OB 2.0 salted recipient hash: `sha256$` + hex(sha256(identity + salt)). */
const hashed = (identity: string, salt: string) => ({
  type: 'email',
  hashed: true,
  salt,
  identity: `sha256$${createHash('sha256')
    .update(identity + salt)
    .digest('hex')}`,
});

const ISSUED_ON = '2025-01-15T12:00:00Z';

function issuer(host: string, path: string, name: string, extra: Json = {}): Json {
  return {
    '@context': OB2,
    type: 'Issuer',
    id: url(host, path),
    name,
    url: `https://${host}`,
    email: `badges@${host}`,
    ...extra,
  };
}

function badgeClass(path: string, name: string, issuerId: string): Json {
  return {
    '@context': OB2,
    type: 'BadgeClass',
    id: url(HOSTED, path),
    name,
    description: `${name}, awarded for the fixtures of the verifier's tests.`,
    image: url(HOSTED, '/badges/image.svg'),
    criteria: { narrative: 'Take part in the verifier tests.' },
    issuer: issuerId,
  };
}

function hostedAssertion(id: string, badge: string, extra: Json = {}): Json {
  return {
    '@context': OB2,
    type: 'Assertion',
    id,
    recipient: hashed('ada@example.org', 'ob2-salt-1'),
    badge,
    verification: { type: 'HostedBadge' },
    issuedOn: ISSUED_ON,
    ...extra,
  };
}

const revokedBody = (id: string, reason: string): Json => ({
  '@context': OB2,
  id,
  type: 'Assertion',
  revoked: true,
  revocationReason: reason,
});

const BADGE_IMAGE =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#2a6"/></svg>';

async function signedFixtures(documents: { signed: Map<string, Served>; elsewhere: Map<string, Served> }) {
  // One RSA key for three key documents: the signature always verifies, so only ownership decides.
  const { privateKey, publicKey } = deterministicRsaKey('remote-issuers/ob2-signed');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const sign = async (assertion: Json) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(assertion))).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
  const key = (host: string, path: string, owner: string): Served =>
    definition({ '@context': OB2, type: 'CryptographicKey', id: url(host, path), owner, publicKeyPem });

  const mainIssuer = url(SIGNED, '/issuer');
  const unlistedIssuer = url(SIGNED, '/issuers/list-down');
  const foreignIssuer = url(ELSEWHERE, '/issuer');
  const s = documents.signed;
  s.set(
    '/issuer',
    definition(
      issuer(SIGNED, '/issuer', 'Signed Example Institute', {
        publicKey: url(SIGNED, '/keys/1'),
        revocationList: url(SIGNED, '/revocations'),
      }),
    ),
  );
  s.set('/keys/1', key(SIGNED, '/keys/1', mainIssuer));
  s.set(
    '/issuers/list-down',
    definition(
      issuer(SIGNED, '/issuers/list-down', 'Signed Institute Whose List Is Down', {
        publicKey: [url(SIGNED, '/keys/2')],
        revocationList: url(DOWN, '/revocations'),
      }),
    ),
  );
  s.set('/keys/2', key(SIGNED, '/keys/2', unlistedIssuer));
  s.set('/badges/signed', definition({ ...badgeClass('/badges/signed', 'Signed Badge', mainIssuer), id: url(SIGNED, '/badges/signed') }));
  s.set(
    '/badges/list-down',
    definition({ ...badgeClass('/badges/list-down', 'Signed Badge (list down)', unlistedIssuer), id: url(SIGNED, '/badges/list-down') }),
  );
  s.set(
    '/revocations',
    status({
      '@context': OB2,
      id: url(SIGNED, '/revocations'),
      type: 'RevocationList',
      issuer: mainIssuer,
      revokedAssertions: [
        'urn:uuid:7d1c0d0e-0000-4000-8000-00000000000a',
        { id: 'urn:uuid:7d1c0d0e-0000-4000-8000-000000000002', revocationReason: 'Issued in error' },
        { uid: 'signed-uid-3', revocationReason: 'Awarded twice' },
      ],
    }),
  );
  documents.elsewhere.set(
    '/issuer',
    definition(issuer(ELSEWHERE, '/issuer', 'Elsewhere Org', { publicKey: url(ELSEWHERE, '/keys/foreign') })),
  );
  documents.elsewhere.set('/keys/foreign', key(ELSEWHERE, '/keys/foreign', foreignIssuer));
  // A stranger's key that names the signed issuer as its owner: only the issuer's own profile can say so.
  documents.elsewhere.set('/keys/impostor', key(ELSEWHERE, '/keys/impostor', mainIssuer));

  const signedAssertion = (n: number, extra: Json = {}): Json => ({
    '@context': OB2,
    type: 'Assertion',
    id: `urn:uuid:7d1c0d0e-0000-4000-8000-00000000000${n}`,
    recipient: hashed('ada@example.org', `signed-salt-${n}`),
    badge: url(SIGNED, '/badges/signed'),
    verification: { type: 'SignedBadge', creator: url(SIGNED, '/keys/1') },
    issuedOn: ISSUED_ON,
    ...extra,
  });
  const valid = await sign(signedAssertion(1));
  const [header, , signature] = valid.split('.');
  const forged = Buffer.from(JSON.stringify(signedAssertion(1, { recipient: hashed('eve@example.org', 'signed-salt-1') }))).toString(
    'base64url',
  );
  const hs256 = await new CompactSign(new TextEncoder().encode(JSON.stringify(signedAssertion(1))))
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('a shared secret anyone could hold'));
  const jws = (assertion: string) => ({ assertion });
  return [
    {
      name: 'ob2-signed-valid',
      about: 'A signed assertion (RS256 JWS), key owned by its issuer, not revoked.',
      body: jws(valid),
      expect: 'valid',
    },
    {
      name: 'ob2-signed-revoked',
      about: "Signed, and listed with a reason in its issuer's RevocationList.",
      body: jws(await sign(signedAssertion(2))),
      expect: 'revoked',
    },
    {
      name: 'ob2-signed-revoked-by-uid',
      about: 'Signed, and listed in the RevocationList by its legacy uid.',
      body: jws(await sign(signedAssertion(3, { uid: 'signed-uid-3' }))),
      expect: 'revoked',
    },
    {
      name: 'ob2-signed-tampered',
      about: 'A valid JWS whose payload was swapped for another recipient (the signature no longer verifies).',
      body: jws(`${header}.${forged}.${signature}`),
      expect: 'invalid',
    },
    {
      name: 'ob2-signed-key-not-owned',
      about: "Signed with another issuer's key (the key's owner is not the badge's issuer).",
      body: jws(await sign(signedAssertion(4, { verification: { type: 'SignedBadge', creator: url(ELSEWHERE, '/keys/foreign') } }))),
      expect: 'invalid',
    },
    {
      name: 'ob2-signed-hs256',
      about: 'Signed with HS256 (a shared secret), which OB 2.0 does not allow.',
      body: jws(hs256),
      expect: 'invalid',
    },
    {
      name: 'ob2-signed-revocation-list-down',
      about: "Signed, but its issuer's RevocationList answers 503.",
      body: jws(
        await sign(
          signedAssertion(5, {
            badge: url(SIGNED, '/badges/list-down'),
            verification: { type: 'SignedBadge', creator: url(SIGNED, '/keys/2') },
          }),
        ),
      ),
      expect: 'unverifiable',
    },
    {
      name: 'ob2-signed-embedded-issuer-forged',
      about:
        "Signed with a stranger's key that claims the issuer, the issuer embedded with that key listed (its real profile lists another).",
      body: jws(
        await sign(
          signedAssertion(6, {
            badge: embeddedBadge({ ...issuer(SIGNED, '/issuer', 'Signed Example Institute'), publicKey: url(ELSEWHERE, '/keys/impostor') }),
            verification: { type: 'SignedBadge', creator: url(ELSEWHERE, '/keys/impostor') },
          }),
        ),
      ),
      expect: 'invalid',
    },
  ] satisfies FixtureCase[];
}

/** A badge class embedded in its assertion (its id no URL, so it is used as it is), with `issuer` embedded too. */
function embeddedBadge(embeddedIssuer: Json): Json {
  const { '@context': _, ...badge } = badgeClass('/badges/embedded', 'Embedded Badge', '');
  return { ...badge, id: 'urn:uuid:5b0c7e2a-0000-4000-8000-000000000001', issuer: embeddedIssuer };
}

/** The hosted URL a case holds: its assertion URL, or the id of the copy it holds. */
function heldUrlOf(c: FixtureCase): string | undefined {
  const { assertion } = c.body as { assertion?: unknown };
  if (typeof assertion === 'string') return assertion;
  const id = (assertion as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The OB 2.0 fixtures, built afresh on each call (a new state for the actions). Actions:
 * `revoke:<case>` turns a case's hosted assertion into a 410 (and its expected verdict into `revoked`).
 */
export async function ob2Fixtures(): Promise<FixtureSet> {
  const hosted = new Map<string, Served>();
  const elsewhere = new Map<string, Served>();
  const signed = new Map<string, Served>();
  const down = new Map<string, Served>();

  const mainIssuer = url(HOSTED, '/issuer');
  const partneredIssuer = url(HOSTED, '/issuers/partnered');
  const basic = url(HOSTED, '/badges/basic');
  const partnered = url(HOSTED, '/badges/partnered');
  hosted.set('/issuer', definition(issuer(HOSTED, '/issuer', 'Hosted Example Academy')));
  // No email: OB 2.0 asks for one, many issuers omit it; verifiers report it and carry on.
  const { email: _, ...withoutEmail } = issuer(HOSTED, '/issuers/partnered', 'Partnered Example Academy', {
    verification: { type: 'VerificationObject', allowedOrigins: [ELSEWHERE] },
  });
  hosted.set('/issuers/partnered', definition(withoutEmail));
  hosted.set('/badges/basic', definition(badgeClass('/badges/basic', 'Basic Badge', mainIssuer)));
  hosted.set('/badges/partnered', definition(badgeClass('/badges/partnered', 'Partnered Badge', partneredIssuer)));
  hosted.set('/badges/image.svg', {
    status: 200,
    contentType: 'image/svg+xml',
    body: BADGE_IMAGE,
    headers: definitionHeaders(BADGE_IMAGE),
  });

  const at = (path: string) => url(HOSTED, path);
  const valid = hostedAssertion(at('/assertions/valid'), basic);
  hosted.set('/assertions/valid', status(valid));
  hosted.set(
    '/assertions/expired',
    status(
      hostedAssertion(at('/assertions/expired'), basic, {
        recipient: { type: 'email', hashed: false, identity: 'bob@example.org' },
        expires: '2025-06-01T00:00:00Z',
      }),
    ),
  );
  hosted.set('/assertions/revoked', status(revokedBody(at('/assertions/revoked'), 'Awarded in error'), 410));
  hosted.set(
    '/assertions/revoked-flag',
    status(hostedAssertion(at('/assertions/revoked-flag'), basic, { revoked: true, revocationReason: 'Conduct' })),
  );
  hosted.set('/assertions/moved', status(hostedAssertion(at('/assertions/somewhere-else'), basic)));
  hosted.set('/assertions/missing', { status: 404, contentType: 'application/json', body: '{"error":"not found"}' });
  // New each build: a revocation made by one test run can never be served from a cache to the next.
  const revocablePath = `/assertions/revocable-${randomUUID()}`;
  hosted.set(revocablePath, status(hostedAssertion(at(revocablePath), basic)));
  // OB 1.0: no @context, a Unix timestamp, and `verify: {type, url}`.
  hosted.set('/v1/assertions/1', {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      uid: 'ob1-1',
      recipient: hashed('ada@example.org', 'ob1-salt'),
      badge: at('/v1/badge'),
      verify: { type: 'hosted', url: at('/v1/assertions/1') },
      issuedOn: 1359217910,
    }),
    headers: STATUS_HEADERS,
  });

  elsewhere.set('/assertions/stray', status(hostedAssertion(url(ELSEWHERE, '/assertions/stray'), basic)));
  elsewhere.set('/assertions/partner', status(hostedAssertion(url(ELSEWHERE, '/assertions/partner'), partnered)));
  // The real issuer's id, embedded with a verification policy it never published.
  const forgedIssuer = { ...issuer(HOSTED, '/issuer', 'Hosted Example Academy'), verification: { allowedOrigins: [ELSEWHERE] } };
  elsewhere.set(
    '/assertions/embedded-issuer',
    status({ ...hostedAssertion(url(ELSEWHERE, '/assertions/embedded-issuer'), basic), badge: embeddedBadge(forgedIssuer) }),
  );

  const unavailable: Served = { status: 503, contentType: 'text/plain', body: 'Service Unavailable', headers: { 'retry-after': '120' } };
  down.set('/assertions/1', unavailable);
  down.set('/revocations', unavailable);

  const differing = { ...valid, recipient: hashed('eve@example.org', 'ob2-salt-1') };
  const cases: FixtureCase[] = [
    {
      name: 'ob2-hosted-valid',
      about: 'A hosted assertion in scope, hashed recipient, not revoked.',
      body: { assertion: valid.id },
      expect: 'valid',
    },
    {
      name: 'ob2-hosted-expired',
      about: 'A hosted assertion whose expires date has passed.',
      body: { assertion: at('/assertions/expired') },
      expect: 'expired',
    },
    {
      name: 'ob2-hosted-revoked-410',
      about: 'A revoked hosted assertion: 410 Gone with revoked: true (the 1EdTech validator calls it valid).',
      body: { assertion: at('/assertions/revoked') },
      expect: 'revoked',
    },
    {
      name: 'ob2-hosted-revoked-flag',
      about: 'A hosted assertion answered 200 with revoked: true.',
      body: { assertion: at('/assertions/revoked-flag') },
      expect: 'revoked',
    },
    {
      name: 'ob2-hosted-wrong-origin',
      about: "Hosted on another host than its issuer's, which lists no allowedOrigins.",
      body: { assertion: url(ELSEWHERE, '/assertions/stray') },
      expect: 'invalid',
    },
    {
      name: 'ob2-hosted-allowed-origin',
      about: "Hosted on another host, which its issuer's verification.allowedOrigins lists.",
      body: { assertion: url(ELSEWHERE, '/assertions/partner') },
      expect: 'valid',
    },
    {
      name: 'ob2-hosted-embedded-issuer-forged',
      about: "On another host, its badge class embedded with the real issuer's id and an allowedOrigins of its own making.",
      body: { assertion: url(ELSEWHERE, '/assertions/embedded-issuer') },
      expect: 'invalid',
    },
    {
      name: 'ob2-hosted-not-found',
      about: 'An assertion URL that answers 404.',
      body: { assertion: at('/assertions/missing') },
      expect: 'not_found',
    },
    {
      name: 'ob2-hosted-id-elsewhere',
      about: 'A document whose id is not the URL it is served at.',
      body: { assertion: at('/assertions/moved') },
      expect: 'invalid',
    },
    {
      name: 'ob2-hosted-recipient-matches',
      about: 'A hosted assertion with a salted sha256 recipient, checked against its recipient.',
      body: { assertion: valid.id, recipient: { type: 'email', identity: 'ada@example.org' } },
      expect: 'valid',
    },
    {
      name: 'ob2-hosted-recipient-differs',
      about: 'The same assertion, checked against someone else.',
      body: { assertion: valid.id, recipient: { type: 'email', identity: 'eve@example.org' } },
      expect: 'invalid',
    },
    {
      name: 'ob2-hosted-supplied-copy',
      about: 'The hosted assertion as a document the verifier holds.',
      body: { assertion: valid },
      expect: 'valid',
    },
    {
      name: 'ob2-hosted-supplied-differs',
      about: 'A held copy whose recipient differs from the hosted assertion at its id.',
      body: { assertion: differing },
      expect: 'invalid',
    },
    {
      name: 'ob2-hosted-revocable',
      about: 'A valid hosted assertion for the revoke: action (its URL is new each build).',
      body: { assertion: at(revocablePath) },
      expect: 'valid',
    },
    {
      name: 'ob2-host-down',
      about: 'An assertion URL whose host answers 503.',
      body: { assertion: url(DOWN, '/assertions/1') },
      expect: 'unverifiable',
    },
    {
      name: 'ob1-hosted',
      about: 'An Open Badges 1.0 hosted assertion (no @context, verify.url).',
      body: { assertion: at('/v1/assertions/1') },
      expect: 'invalid',
    },
    ...(await signedFixtures({ signed, elsewhere })),
  ];

  const hostsByName = new Map([
    [HOSTED, hosted],
    [ELSEWHERE, elsewhere],
  ]);
  const actions: FixtureSet['actions'] = {};
  for (const c of cases) {
    const assertion = heldUrlOf(c);
    if (typeof (c.body as { assertion?: unknown }).assertion !== 'string' || !assertion?.startsWith('https://')) continue;
    const { host, pathname } = new URL(assertion);
    const documents = hostsByName.get(host);
    if (documents?.get(pathname)?.status !== 200) continue;
    actions[`revoke:${c.name}`] = () => {
      documents.set(pathname, status(revokedBody(assertion, 'Revoked by a test'), 410));
      // Every case that holds it, as a URL or as a copy, now reads revoked (revocation comes first).
      for (const other of cases) if (heldUrlOf(other) === assertion) other.expect = 'revoked';
    };
  }

  const hosts: FixtureHost[] = [
    { host: HOSTED, documents: hosted },
    { host: ELSEWHERE, documents: elsewhere },
    { host: SIGNED, documents: signed },
    { host: DOWN, documents: down },
  ];
  return { hosts, cases, actions };
}
