/**
 * @module Verification of a Verifiable Credential a verifier holds (OB 3.0 or any VC, Data Model
 * 1.1 or 2.0), in the order of the spec (1EdTech OB 3.0 §9.1): the JSON Schema as its own verdict,
 * every proof (embedded Data Integrity / Ed25519Signature2020, or VC-JWT), the status entries,
 * the validity window, then the recipient. This deployment's own keys and lists come from its
 * tiers; everything else through the safe fetcher.
 */
import { overBudget } from '../../credentials/canonicalization-guard.ts';
import { ContextUnavailable, type RemoteContexts } from '../../credentials/contexts.ts';
import { type MethodProblem, type MethodResolver, type ProofOutcome, verifyEmbeddedProofs } from '../../credentials/data-integrity.ts';
import { parseNQuads } from '../../credentials/nquads.ts';
import { IDENTITY_TYPES } from '../../credentials/open-badge-credential.ts';
import { statusBit } from '../../credentials/status-list.ts';
import { isCompactJws, verifyVcJwt } from '../../credentials/vc-jwt.ts';
import { DomainError } from '../../lib/errors.ts';
import { type RecipientClaim, recipientMatches } from '../../openbadges/recipient.ts';
import { isUnavailable, RemoteFetchError, type RemoteSession } from '../../remote/types.ts';
import type { LocalSources } from '../local-sources.ts';
import type { Check, ProofReport, VerificationReport, VerificationStatus } from '../report.ts';
import { conformanceOf } from './conformance.ts';
import { achievementIdsOf, type HeldCredential, identifiersOf, isNode, type Node, readCredential } from './credential-shape.ts';
import { checkStatus, type StatusOutcome } from './credential-status.ts';
import { disagreement, factsOfGraph, factsOfJson } from './signed-facts.ts';
import { methodResolver } from './verification-methods.ts';

const check = (name: string, passed: boolean, pass: string, fail: string): Check => ({ name, passed, message: passed ? pass : fail });

/** What the signed graph says against what the JSON says: a reason when they differ (or the graph cannot be read). */
function graphProblem(credential: HeldCredential, nquads: string): string | undefined {
  try {
    const differs = disagreement(factsOfJson(credential), factsOfGraph(parseNQuads(nquads)));
    return differs && `what the document shows differs from what its proof signs (${differs})`;
  } catch (error) {
    return `its signed graph cannot be read: ${(error as Error).message}`;
  }
}

/**
 * The issuers of the records of this deployment a credential names as its id, issuer or
 * achievement (null for a named record that does not exist), and its did:web issuer of ours.
 */
async function claimsOf(credential: HeldCredential, webIssuerId: string | undefined, local: LocalSources): Promise<Claims> {
  const issuer = credential.issuer.id;
  const named = [credential.id, ...(issuer.startsWith('did:') ? [] : [issuer]), ...achievementIdsOf(credential)].filter(
    (url): url is string => typeof url === 'string',
  );
  // Each record named costs a lookup or two: a credential names its award, issuer and a badge or two, and no more is looked up.
  const records = [...new Set(named)].filter((url) => local.isRecordUrl(url));
  const owners = new Set<string | null>();
  if (records.length > MAX_NAMED_RECORDS)
    return {
      owners,
      problem: `It names ${records.length} records of this deployment, more than the ${MAX_NAMED_RECORDS} one credential may name.`,
    };
  for (const owner of await Promise.all(records.map(local.ownerOf))) if (owner !== undefined) owners.add(owner);
  if (webIssuerId) owners.add(webIssuerId);
  return { owners };
}

/** The records of this deployment one credential may name (its id, issuer and achievements), each looked up. */
export const MAX_NAMED_RECORDS = 4;
/** The issuers of the records a credential names, or why they were not looked up. */
type Claims = { owners: Set<string | null>; problem?: string };

/** Why a credential naming this deployment's records is not theirs (their issuer must have signed it); undefined when it is, or names none. */
async function impersonationOf(
  claims: Set<string | null>,
  webIssuerId: string | undefined,
  signedBy: (issuerId: string) => Promise<boolean>,
): Promise<string | undefined> {
  if (!claims.size) return undefined;
  if (claims.has(null)) return 'It names a record of this deployment that does not exist.';
  if (claims.size > 1) return 'It names records of different issuers of this deployment.';
  const [owner] = claims as Set<string>;
  const signed = webIssuerId ? webIssuerId === owner : await signedBy(owner!);
  return signed ? undefined : "It names records of this deployment, but their issuer's key did not sign it.";
}

/** OB 3.0 identity types back to the OB 2.0 recipient types a claim names. */
const RECIPIENT_TYPES = Object.fromEntries(Object.entries(IDENTITY_TYPES).map(([ob2, ob3]) => [ob3, ob2]));

/** The recipient claim against the credential's identifiers (salted hashes, like OB 2.0). */
async function recipientOf(credential: HeldCredential, claim: RecipientClaim | undefined): Promise<boolean | null> {
  if (!claim) return null;
  for (const identifier of identifiersOf(credential)) {
    if (typeof identifier.identityHash !== 'string') continue;
    const stored = {
      recipientType: RECIPIENT_TYPES[String(identifier.identityType)] ?? String(identifier.identityType),
      recipientHashed: identifier.hashed === true,
      recipientIdentity: identifier.identityHash,
      recipientSalt: typeof identifier.salt === 'string' ? identifier.salt : null,
    };
    if (await recipientMatches(stored, claim)) return true;
  }
  return false;
}

/** Remote contexts one verification may use, and the size of each: a context is expanded on every canonicalization. */
export const REMOTE_CONTEXT_LIMITS = { count: 4, bytes: 16_384 } as const;

/** Remote JSON-LD contexts through the fetcher, kept as definitions, within REMOTE_CONTEXT_LIMITS. */
function contextsOf(session: RemoteSession): RemoteContexts {
  const used = new Set<string>();
  return async (url) => {
    used.add(url);
    if (used.size > REMOTE_CONTEXT_LIMITS.count) throw new Error(`it uses more than ${REMOTE_CONTEXT_LIMITS.count} remote contexts`);
    const answer = await session.fetchDocument(url, 'definition').catch((error: unknown) => {
      throw isUnavailable(error) ? new ContextUnavailable(`context ${url} could not be fetched (${error.code})`) : error;
    });
    if (answer.status !== 200) throw new Error(`context ${url} answered ${answer.status}`);
    if (answer.body.length > REMOTE_CONTEXT_LIMITS.bytes)
      throw new Error(`context ${url} is larger than ${REMOTE_CONTEXT_LIMITS.bytes / 1024} KiB`);
    return JSON.parse(answer.body);
  };
}

type ProofVerdict = 'verified' | 'failed' | 'unverifiable';

/** All proofs together: verified when one by the issuer holds and none fails. */
function proofVerdictOf(outcomes: readonly ProofOutcome[], issuer: string): { verdict: ProofVerdict; message: string } {
  const failed = outcomes.find((o) => o.verdict === 'failed');
  if (failed) return { verdict: 'failed', message: `Its ${failed.type} proof does not verify: ${failed.reason}.` };
  const byIssuer = outcomes.find((o) => o.verdict === 'verified' && o.controller === issuer);
  if (byIssuer)
    return {
      verdict: 'verified',
      message: `Its ${byIssuer.cryptosuite ?? byIssuer.type} proof verifies with the issuer's key (${issuer}).`,
    };
  const unverifiable = outcomes.find((o) => o.verdict === 'unverifiable');
  if (unverifiable) return { verdict: 'unverifiable', message: `Its proof's key could not be fetched: ${unverifiable.reason}.` };
  if (!outcomes.length) return { verdict: 'failed', message: 'It carries no proof.' };
  const other = outcomes.find((o) => o.verdict === 'verified');
  if (other) return { verdict: 'failed', message: `Its proof is by ${other.controller}, not by its issuer (${issuer}).` };
  return {
    verdict: 'failed',
    message: `None of its proofs is of a suite this verifier checks (${outcomes.map((o) => o.reason).join('; ')}).`,
  };
}

const proofReportOf = (outcome: ProofOutcome, issuer: string): ProofReport => ({
  type: outcome.type,
  ...(outcome.cryptosuite ? { cryptosuite: outcome.cryptosuite } : {}),
  ...(outcome.verificationMethod ? { verificationMethod: outcome.verificationMethod } : {}),
  verified: outcome.verdict === 'verified',
  byIssuer: outcome.controller === issuer,
  message: outcome.verdict === 'verified' ? 'It verifies.' : `${outcome.verdict}: ${outcome.reason}`,
});

/** The multibase key of a verified did:key proof: what this deployment's records know their issuers' keys by. */
const didKeyOf = (outcome: ProofOutcome | undefined) =>
  outcome?.controller?.startsWith('did:key:') ? outcome.controller.slice('did:key:'.length) : undefined;

/** A held credential: a JSON object, or a compact VC-JWT. */
export async function verifyCredential(
  supplied: unknown,
  recipient: RecipientClaim | undefined,
  local: LocalSources,
  session: RemoteSession,
  now: Date,
): Promise<VerificationReport> {
  const verifiedAt = now.toISOString();
  const resolve: MethodResolver = methodResolver(local, session);
  const contexts = contextsOf(session);
  const jwt = typeof supplied === 'string' && isCompactJws(supplied) ? await verifyVcJwt(supplied, resolve) : undefined;
  const document: unknown = jwt ? jwt.credential : supplied;
  const refused = (problem: string): VerificationReport => ({
    valid: false,
    status: 'invalid',
    checks: [check('conformance', false, '', `Not a verifiable credential: ${problem}.`)],
    recipient: { matched: null },
    verifiedAt,
    ob3: { conformance: 'failed', proof: 'not checked', status: 'none' },
    ...(jwt ? { proofs: [proofReportOf(jwt.outcome, '')] } : {}),
  });
  // Bounded before any work on it, the schema's included: a long array costs zod as much as canonicalization.
  const tooMuch = overBudget(document);
  if (tooMuch) return refused(`document: too large to verify (${tooMuch})`);
  const held = readCredential(document);
  if ('problem' in held) return refused(held.problem);
  const issuer = held.issuer.id;
  const webIssuerId = local.issuerOfWeb(issuer);
  const conformance = conformanceOf(document);

  const proofs = (async () => {
    if (jwt) return { outcomes: [jwt.outcome] };
    const checked = await verifyEmbeddedProofs(held.document as Node & { '@context': unknown }, resolve, contexts);
    // The facts a verdict reads must be the ones signed.
    const problem =
      checked.nquads && checked.outcomes.some((o) => o.verdict === 'verified') ? graphProblem(held, checked.nquads) : undefined;
    if (problem)
      for (const outcome of checked.outcomes)
        if (outcome.verdict === 'verified') Object.assign(outcome, { verdict: 'failed', reason: problem });
    return checked;
  })();
  const verifiedByIssuer = proofs.then(({ outcomes }) => outcomes.find((o) => o.verdict === 'verified' && o.controller === issuer));
  /** Whether `issuerId` of this deployment had `keyId` (the tiers, else the primary: a key newer than their copy). */
  const issuerHad = async (issuerId: string, keyId: string | undefined) =>
    Boolean(keyId && ((await local.issuerKeys(issuerId))?.includes(keyId) || (await local.issuerKeys(issuerId, true))?.includes(keyId)));

  /** Each status list's proof checked once, however many entries name it. */
  const listProofs = new Map<string, Promise<MethodProblem | undefined>>();
  const status: Promise<StatusOutcome> = checkStatus(held, {
    session,
    now,
    async ownBit(url, index) {
      const list = local.listOf(url);
      if (!list) return undefined;
      const [json, signer] = await Promise.all([local.readList(list.issuerId, list.listNumber), verifiedByIssuer]);
      // No such list here, or a list of another issuer: nothing vouches for the credential.
      const listIssuers = webIssuerId ? webIssuerId === list.issuerId : !signer || (await issuerHad(list.issuerId, didKeyOf(signer)));
      if (!json || !listIssuers) return null;
      const { credentialSubject } = JSON.parse(json) as { credentialSubject: { encodedList: string } };
      return statusBit(credentialSubject.encodedList, index);
    },
    signedBy(url, list, listIssuer) {
      const known = listProofs.get(url);
      if (known) return known;
      const checked = (async () => {
        // A list's proof costs a canonicalization: spent only on a credential whose own proof holds.
        if (!(await verifiedByIssuer))
          return { problem: "its proof is not checked, since the credential's own proof does not hold", unverifiable: true };
        const { outcomes } = await verifyEmbeddedProofs(list as Node & { '@context': unknown }, resolve, contexts);
        const verdict = proofVerdictOf(outcomes, listIssuer);
        return verdict.verdict === 'verified'
          ? undefined
          : { problem: verdict.message.replace(/^Its/, 'its').replace(/\.$/, ''), unverifiable: verdict.verdict === 'unverifiable' };
      })();
      listProofs.set(url, checked);
      return checked;
    },
  });
  const [{ outcomes }, statusOutcome] = await Promise.all([proofs, status]);
  const proof = proofVerdictOf(outcomes, issuer);

  // Looked up after the proof, so a forged proof costs no lookup.
  const signer = await verifiedByIssuer;
  const claims = proof.verdict === 'verified' ? await claimsOf(held, webIssuerId, local) : undefined;
  const impersonation =
    claims && (claims.problem ?? (await impersonationOf(claims.owners, webIssuerId, (owner) => issuerHad(owner, didKeyOf(signer)))));

  const validFrom = held.validFrom ? new Date(held.validFrom) : undefined;
  const validUntil = held.validUntil ? new Date(held.validUntil) : undefined;
  const notYet = validFrom !== undefined && validFrom.getTime() > now.getTime();
  const expired = validUntil !== undefined && validUntil.getTime() <= now.getTime();
  const matched = await recipientOf(held, recipient);
  const statusFine = statusOutcome.verdict === 'active' || statusOutcome.verdict === 'none';
  const checks = [
    check(
      'conformance',
      !('problem' in conformance),
      'It has the shape of an OB 3.0 AchievementCredential.',
      `It does not follow the OB 3.0 JSON Schema: ${'problem' in conformance ? conformance.problem : ''} (a conformance finding: the proof and status are still checked).`,
    ),
    check('proof', proof.verdict === 'verified', proof.message, proof.message),
    check('not_revoked', statusFine, statusOutcome.message, statusOutcome.message),
    ...(proof.verdict !== 'verified'
      ? []
      : [
          check(
            'issuer_of_claims',
            !impersonation,
            claims?.owners.size
              ? "The records of this deployment it names are signed by their issuer's key."
              : 'It names no record of this deployment.',
            impersonation ?? '',
          ),
        ]),
    check('valid_from', !notYet, 'It is valid from a date that has passed.', 'It is not valid yet.'),
    check('not_expired', !expired, validUntil ? 'It has not expired.' : 'It does not expire.', 'It has expired.'),
    ...(matched === null ? [] : [check('recipient', matched, 'It was issued to this recipient.', 'It was not issued to this recipient.')]),
  ];
  const overall: VerificationStatus =
    proof.verdict === 'failed' || statusOutcome.verdict === 'invalid'
      ? 'invalid'
      : statusOutcome.verdict === 'revoked'
        ? 'revoked'
        : impersonation
          ? 'invalid'
          : proof.verdict === 'unverifiable' || statusOutcome.verdict === 'unverifiable'
            ? 'unverifiable'
            : statusOutcome.verdict === 'suspended'
              ? 'suspended'
              : notYet
                ? 'not_yet_valid'
                : expired
                  ? 'expired'
                  : statusFine
                    ? 'valid'
                    : 'invalid';
  return {
    valid: overall === 'valid',
    status: overall,
    checks,
    recipient: { matched },
    verifiedAt,
    ob3: { conformance: 'problem' in conformance ? 'failed' : 'passed', proof: proof.verdict, status: statusOutcome.verdict },
    credential: { id: held.id ?? '', issuer, validFrom: held.validFrom ?? '', validUntil: held.validUntil ?? null },
    issuer: {
      id: issuer,
      name: held.issuer.name ?? issuer,
      url: held.issuer.url ?? issuer,
      thisDeployment: webIssuerId !== undefined || (claims?.owners.size ?? 0) > 0 || claims?.problem !== undefined,
    },
    proofs: outcomes.map((o) => proofReportOf(o, issuer)),
    schema: { conforms: !('problem' in conformance), problems: 'problem' in conformance ? [conformance.problem] : [] },
    sources: [...session.sources],
  };
}

/** A badge fetched from the URL it is published at: JSON, or a compact JWS (a VC-JWT or a signed OB 2.0 assertion). */
export async function fetchPublished(
  session: RemoteSession,
  url: string,
): Promise<{ document?: Node; jws?: string } | { problem: string; unverifiable: boolean }> {
  try {
    const answer = await session.fetchDocument(url, 'status', 'json-or-jwt');
    // A 404 or 410 is an OB 2.0 host's answer for a missing or revoked assertion: its verifier reads it.
    if (answer.status !== 200) return {};
    const body = answer.body.trim();
    if (isCompactJws(body)) return { jws: body };
    const parsed: unknown = JSON.parse(body);
    return isNode(parsed) ? { document: parsed } : { problem: `${url} is not a JSON object`, unverifiable: false };
  } catch (error) {
    // A URL the fetcher may never ask for is bad input, not a dependency that failed.
    if (error instanceof RemoteFetchError && error.code === 'refused_url')
      throw new DomainError('invalid_value', 'refused_url', error.message);
    if (error instanceof RemoteFetchError)
      return { problem: `${url} could not be fetched (${error.code}: ${error.message})`, unverifiable: true };
    return { problem: `${url} is neither JSON nor a compact JWS`, unverifiable: false };
  }
}
