/**
 * @module VC-JWT: a credential as a compact JWS (JOSE RS256, ES256 or EdDSA). VC Data Model 1.1
 * puts the credential in the `vc` claim and its id, issuer and window in `jti`, `iss`, `nbf` and
 * `exp`; VC-JOSE-COSE (2.0) signs the credential itself. The signature covers the bytes, so no
 * canonicalization is needed.
 */
import { fromBase64 } from '../lib/base64.ts';
import { failure, type MethodResolver, type ProofOutcome } from './data-integrity.ts';
import { verifyWith } from './public-keys.ts';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ALGORITHMS = new Set(['RS256', 'ES256', 'EdDSA', 'Ed25519']);

/** Whether `text` looks like a compact JWS (three base64url parts). */
export const isCompactJws = (text: string) => text.length < 1_048_576 && COMPACT_JWS.test(text.trim());

type Claims = Record<string, unknown>;

/** Whether a compact JWS carries a credential (a `vc` claim, or a VC-JOSE-COSE payload with `@context`), not an OB 2.0 assertion. */
export function isVcJwt(jws: string): boolean {
  const claims = json(jws.trim().split('.')[1] ?? '');
  return Boolean(
    claims && ('vc' in claims || [claims['@context']].flat().some((c) => typeof c === 'string' && c.startsWith('https://www.w3.org/'))),
  );
}

function json(part: string): Claims | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(fromBase64(part)));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Claims) : undefined;
  } catch {
    return undefined;
  }
}
/** The largest time a JavaScript Date holds (ECMA-262 §21.4.1.1), in seconds: past it a NumericDate has no date. */
const MAX_DATE_SECONDS = 8.64e12;
const isNumericDate = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_DATE_SECONDS;
const isoOf = (seconds: unknown) =>
  typeof seconds === 'number' ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : undefined;

const V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

/**
 * The credential a JWT's claims describe, its registered claims read as the credential's own
 * (VCDM 1.1 §6.3.1 for a `vc` claim; VC-JOSE-COSE for a 2.0 payload): a claim fills what the
 * credential leaves out, and a claim that disagrees with the credential is a problem, so neither
 * `exp` nor `validUntil` can be dropped by the other.
 */
function credentialOf(claims: Claims): Claims | { problem: string } {
  const inVc = 'vc' in claims;
  if (!inVc && !claims['@context']) return { problem: 'the JWT carries no credential (no `vc` claim)' };
  const vc = inVc ? claims.vc : claims;
  if (!vc || typeof vc !== 'object' || Array.isArray(vc)) return { problem: 'its `vc` claim is not an object' };
  // RFC 7519 NumericDate: a window claim that is no finite number is not ignored (it would hide an end date).
  for (const name of ['nbf', 'exp'] as const)
    if (claims[name] !== undefined && !isNumericDate(claims[name])) return { problem: `its ${name} claim is not a NumericDate` };
  const credential: Claims = { ...(vc as Claims) };
  const v2 = [credential['@context']].flat().includes(V2_CONTEXT);
  const mapped: Array<[string, unknown]> = [
    ['id', claims.jti],
    ['issuer', claims.iss],
    [v2 ? 'validFrom' : 'issuanceDate', isoOf(claims.nbf)],
    [v2 ? 'validUntil' : 'expirationDate', isoOf(claims.exp)],
  ];
  for (const [name, value] of mapped) {
    if (value === undefined) continue;
    const current = credential[name];
    const currentId = current && typeof current === 'object' ? (current as Claims).id : current;
    if (currentId === undefined) credential[name] = value;
    else if (/Date$|^valid/.test(name) ? Date.parse(String(currentId)) !== Date.parse(String(value)) : currentId !== value)
      return { problem: `its ${name} differs from its JWT claim` };
  }
  const subject = credential.credentialSubject;
  if (typeof claims.sub === 'string' && subject && typeof subject === 'object' && !Array.isArray(subject)) {
    const id = (subject as Claims).id;
    if (id === undefined) credential.credentialSubject = { ...(subject as Claims), id: claims.sub };
    else if (id !== claims.sub) return { problem: 'its credentialSubject.id differs from its JWT sub claim' };
  }
  return credential;
}

/** The verification method a JWS header names: `kid` as a DID URL or key URL (relative to `iss` when it starts with `#`), else a did:jwk issuer's key. */
function methodOf(header: Claims, issuer: string | undefined): string | undefined {
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  if (kid?.startsWith('#')) return issuer && `${issuer}${kid}`;
  if (kid) return kid.startsWith('did:key:') && !kid.includes('#') ? `${kid}#${kid.slice(8)}` : kid;
  if (issuer?.startsWith('did:jwk:')) return `${issuer}#0`;
  if (issuer?.startsWith('did:key:')) return `${issuer}#${issuer.slice(8)}`;
  return undefined;
}

/** A compact VC-JWT checked: the credential it carries (when readable) and the outcome of its signature. */
export async function verifyVcJwt(jwt: string, resolve: MethodResolver): Promise<{ credential?: Claims; outcome: ProofOutcome }> {
  const [h = '', p = '', s = ''] = jwt.trim().split('.');
  const header = json(h);
  const claims = json(p);
  const outcome: ProofOutcome = { type: 'JWS', cryptosuite: typeof header?.alg === 'string' ? header.alg : undefined, verdict: 'failed' };
  if (!header || !claims) return { outcome: { ...outcome, reason: 'its header or payload is not base64url JSON' } };
  const credential = credentialOf(claims);
  if ('problem' in credential) return { outcome: { ...outcome, reason: credential.problem as string } };
  if (!ALGORITHMS.has(String(header.alg)))
    return { credential, outcome: { ...outcome, verdict: 'unsupported', reason: `alg ${header.alg} is not RS256, ES256 or EdDSA` } };
  const issuerValue = credential.issuer;
  const issuer = typeof issuerValue === 'string' ? issuerValue : ((issuerValue as Claims | undefined)?.id as string | undefined);
  const method = methodOf(header, issuer);
  outcome.verificationMethod = method;
  if (!method) return { credential, outcome: { ...outcome, reason: 'its header names no key (kid) the issuer can be tied to' } };
  const resolved = await resolve(method);
  if ('problem' in resolved) return { credential, outcome: { ...outcome, ...failure(resolved) } };
  outcome.controller = resolved.controller;
  const alg = header.alg === 'Ed25519' ? 'EdDSA' : header.alg;
  if (resolved.key.algorithm !== alg)
    return { credential, outcome: { ...outcome, reason: `its key is for ${resolved.key.algorithm}, not ${alg}` } };
  const holds = await verifyWith(resolved.key, new TextEncoder().encode(`${h}.${p}`), fromBase64(s));
  if (!holds) return { credential, outcome: { ...outcome, reason: 'the signature does not match' } };
  const notOwned = await resolved.confirm?.();
  return { credential, outcome: { ...outcome, ...(notOwned ? failure(notOwned) : { verdict: 'verified' }) } };
}
