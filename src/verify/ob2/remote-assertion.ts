/**
 * @module Open Badges 2.0 verification of an assertion from any host: hosted (fetched at its id,
 * revoked by a 410 or `revoked: true`) or signed (a compact JWS, see `remote-signed.ts`), with the
 * badge class and issuer it names, as a list of checks in the schema `hosted.ts` produces.
 */
import { idOf, type Json, text, verificationTypeOf, withVerificationAlias } from '../../openbadges/ob2-shape.ts';
import type { RecipientClaim } from '../../openbadges/recipient.ts';
import type { RemoteSession } from '../../remote/types.ts';
import type { VerificationReport } from '../report.ts';
import {
  assertionTypeCheck,
  documentChecks,
  inScope,
  isOb2,
  lifecycleChecks,
  matchesHostedCheck,
  recipientCheck,
} from './remote-checks.ts';
import { type Answer, badgeAndIssuer, type Documents, isHttpUrl, remoteDocuments } from './remote-documents.ts';
import { check, type Findings, newFindings, noteFailedFetch, reportOf, shown } from './remote-findings.ts';
import { verifySigned } from './remote-signed.ts';

/** What a verifier holds: an assertion URL, an assertion document (JSON or baked), or a signed assertion's compact JWS. */
export type HeldAssertion = { url: string } | { document: Record<string, unknown> } | { jws: string };

/** A revoked hosted assertion: validators differ on whether they read the 410 or the body's `revoked`, so both count. */
const revocationOf = (document: Json | undefined) =>
  document?.revoked === true || document?.revoked === 'true' ? { reason: text(document.revocationReason) || null } : undefined;

/** The checks of a hosted assertion as fetched from `url` (its `id`, if all is well). */
async function verifyHosted(docs: Documents, f: Findings, fetched: Json, url: string, now: Date): Promise<void> {
  const assertion = withVerificationAlias(fetched);
  f.assertion = assertion;
  f.assertionUrl = url;
  if (text(assertion.id) !== url) f.misplaced.push(`The assertion at ${url} says its id is ${shown(assertion.id)}.`);
  f.revoked = revocationOf(assertion);
  f.checks.push(
    assertionTypeCheck(assertion),
    check(
      'verification_type',
      verificationTypeOf(assertion) === 'HostedBadge',
      'It asks for hosted verification.',
      verificationTypeOf(assertion) === 'SignedBadge'
        ? 'It asks for signed verification: a signed assertion is verified from its JWS (as baked in its image), not its JSON.'
        : 'It asks for neither hosted nor signed verification.',
    ),
  );
  const { issuer } = await badgeAndIssuer(docs, f, assertion);
  documentChecks(f, assertion, now);
  if (issuer)
    f.checks.push(
      check(
        'hosted_scope',
        inScope(url, issuer),
        "The assertion is hosted within the issuer's verification scope.",
        `The assertion URL is outside the issuer's verification scope (by default, the issuer id's host ${JSON.stringify(hostOf(issuer.id))}).`,
      ),
    );
  lifecycleChecks(f, assertion, now);
}

const hostOf = (id: unknown): string => {
  try {
    return new URL(text(id)).host;
  } catch {
    return '';
  }
};

/**
 * What the answer for an assertion URL settles before any check on the document: not there, revoked
 * by a 410, no answer; true when there is a document to check.
 */
function settledBy(f: Findings, answer: Answer, what: string): boolean {
  if (answer.kind === 'failed') noteFailedFetch(f, what, answer.url, answer.code, answer.message);
  else if (answer.kind === 'malformed') f.malformed.push(`The ${what} at ${answer.url} is refused: ${answer.problem}.`);
  else if (answer.kind === 'gone' && answer.status === 404) f.notFound = answer.url;
  else if (answer.kind === 'gone') {
    f.revoked = revocationOf(answer.document) ?? { reason: null };
    f.assertionUrl = answer.url;
    f.checks.push(
      check('not_revoked', false, '', `Revoked by the issuer (${answer.url} answers 410 Gone): ${f.revoked.reason ?? 'no reason given'}.`),
    );
  } else return true;
  return false;
}

async function fromUrl(docs: Documents, f: Findings, url: string, now: Date): Promise<void> {
  const answer = await docs(url, 'status', 'or-jws');
  if (!settledBy(f, answer, 'assertion')) return;
  if (answer.kind === 'jws') return verifySigned(docs, f, answer.jws, now);
  if (answer.kind === 'json' && isOb2(f, answer.document)) await verifyHosted(docs, f, answer.document, url, now);
}

/** A held document: signed ones need their JWS; a hosted one is checked as hosted at its id, and compared with that copy. */
async function fromDocument(docs: Documents, f: Findings, held: Json, now: Date): Promise<void> {
  if (!isOb2(f, held)) return;
  const supplied = withVerificationAlias(held);
  if (verificationTypeOf(supplied) !== 'HostedBadge') {
    f.checks.push(
      check(
        'verification_type',
        false,
        '',
        verificationTypeOf(supplied) === 'SignedBadge'
          ? 'It asks for signed verification: a signed assertion is verified from its JWS (as baked in its image), not its JSON.'
          : 'It asks for neither hosted nor signed verification.',
      ),
    );
    return;
  }
  const url = text(supplied.id);
  if (!isHttpUrl(url)) {
    f.misplaced.push(`A hosted assertion's id is the URL it is fetched from; this one is ${shown(supplied.id)}.`);
    return;
  }
  // The badge class is asked for with the hosted copy: the same URL when the copies agree, as they should.
  const badge = idOf(supplied.badge);
  if (badge && badge === supplied.badge) void docs(badge, 'definition').catch(() => undefined);
  const answer = await docs(url, 'status');
  if (answer.kind === 'gone' && answer.status === 410) f.assertion = supplied;
  if (!settledBy(f, answer, 'hosted copy of the assertion')) return;
  if (answer.kind !== 'json') {
    f.malformed.push(`The hosted copy at ${url} is not a JSON object.`);
    return;
  }
  f.checks.push(matchesHostedCheck(supplied, answer.document));
  if (isOb2(f, answer.document)) await verifyHosted(docs, f, answer.document, url, now);
}

/**
 * Verifies an Open Badges 2.0 assertion from any host, fetching what it names through `session`.
 *
 * @param session - the one verification's fetcher: its budget, cache and `sources`
 * @param held - an assertion URL (a hosted assertion, or a signed one served as a JWS), a document, or a compact JWS
 * @param recipient - a person to check the assertion against, if any
 * @param now - the instant the dates are checked at
 * @returns the report; `unverifiable` when a document the verdict needs could not be had (the failed `sources` say which)
 * @example
 * const report = await verifyRemoteAssertion(openRemoteSession(scope), { url: 'https://issuer.example/assertions/1' }, undefined, new Date());
 */
export async function verifyRemoteAssertion(
  session: RemoteSession,
  held: HeldAssertion,
  recipient: RecipientClaim | undefined,
  now: Date,
): Promise<VerificationReport> {
  const docs = remoteDocuments(session);
  const f = newFindings();
  if ('jws' in held) await verifySigned(docs, f, held.jws, now);
  else if ('url' in held) await fromUrl(docs, f, held.url, now);
  else await fromDocument(docs, f, held.document, now);
  const asked = recipient && f.assertion && !f.notFound ? await recipientCheck(f.assertion, recipient) : undefined;
  if (asked) f.checks.push(asked.check);
  return reportOf(f, asked?.matched ?? null, session.sources, now);
}
