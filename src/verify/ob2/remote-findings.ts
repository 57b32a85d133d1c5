/** @module What one remote OB 2.0 verification found, as it goes, and the report it adds up to. */
import { dateOf, idOf, isObject, type Json, text } from '../../openbadges/ob2-shape.ts';
import type { RemoteFailure, Source } from '../../remote/types.ts';
import type { Check, ProofReport, VerificationReport, VerificationStatus } from '../report.ts';

/** Everything the checks need to remember between documents; the report is built from it once, at the end. */
export type Findings = {
  checks: Check[];
  /** A sentence for each document the verdict needs that could not be had (it makes the verdict `unverifiable`). */
  unfetched: string[];
  /** A sentence for each document that is not a JSON object of the kind expected. */
  malformed: string[];
  /** A sentence for each document whose `id` is not the URL it was asked for (redirects do not change the URL asked). */
  misplaced: string[];
  /** A sentence for each OB 2.0 document without the OB 2.0 JSON-LD context. */
  contextless: string[];
  /** How many documents were read as JSON (held or fetched). */
  read: number;
  /** The assertion URL that answered 404. */
  notFound?: string;
  revoked?: { reason: string | null };
  /** The assertion the verdict is about: the hosted copy when there is one, else the held one. */
  assertion?: Json;
  /** Where the assertion was fetched from, when it was. */
  assertionUrl?: string;
  badge?: Json;
  issuer?: Json;
  proof?: ProofReport;
};

export const newFindings = (): Findings => ({ checks: [], unfetched: [], malformed: [], misplaced: [], contextless: [], read: 0 });

/** A document that could not be had: unfetched, unless the fetcher refused its URL (it can never be had: the document naming it is wrong). */
export function noteFailedFetch(f: Findings, what: string, url: string, code: RemoteFailure, message: string): void {
  (code === 'refused_url' ? f.malformed : f.unfetched).push(`The ${what} at ${url} could not be fetched (${code}: ${message}).`);
}

export const check = (name: string, passed: boolean, pass: string, fail: string): Check => ({
  name,
  passed,
  message: passed ? pass : fail,
});

/** At most 200 characters of a stranger's value, quoted, for a message. */
export const shown = (value: unknown): string => JSON.stringify(text(value).slice(0, 200));

/** Checks that decide nothing about validity on their own: their verdicts come in a fixed order below. */
const LIFECYCLE = new Set(['fetched', 'not_revoked', 'not_expired', 'recipient']);
/** Reported for people, never a reason to refuse (real issuers omit them). */
const ADVISORY = new Set(['issuer_email']);

/** Revoked, then any structural failure, then a missing document, then expiry, then the recipient: as `hosted.ts` orders them. */
function statusOf(f: Findings, checks: Check[], matched: boolean | null): VerificationStatus {
  if (f.notFound) return 'not_found';
  if (f.revoked) return 'revoked';
  if (checks.some((c) => !c.passed && !LIFECYCLE.has(c.name) && !ADVISORY.has(c.name))) return 'invalid';
  if (f.unfetched.length) return 'unverifiable';
  if (checks.some((c) => c.name === 'not_expired' && !c.passed)) return 'expired';
  return matched === false ? 'invalid' : 'valid';
}

/** The checks made across documents: one each, whatever number of documents they looked at. */
function documentChecks(f: Findings): Check[] {
  const fetched = check('fetched', !f.unfetched.length, 'Every document it needs was fetched.', f.unfetched.join(' '));
  if (f.notFound) return [fetched, check('exists', false, '', `Nothing is hosted at ${f.notFound} (404).`)];
  if (!f.read && !f.malformed.length) return [fetched];
  return [
    fetched,
    check('well_formed', !f.malformed.length, 'Every document is a JSON object of its kind.', f.malformed.join(' ')),
    check('hosted_at_id', !f.misplaced.length, 'Every document fetched is at its own id.', f.misplaced.join(' ')),
    check('json_ld_context', !f.contextless.length, 'Its documents use the Open Badges 2.0 JSON-LD context.', f.contextless.join(' ')),
  ];
}

const isoOf = (value: unknown): string | undefined => dateOf(value)?.toISOString();

/** Long data URIs stay out of the report: a badge image may be embedded in the document, up to the fetcher's cap. */
const MAX_IMAGE_REFERENCE = 2048;

function summaries(f: Findings): Pick<VerificationReport, 'assertion' | 'badge' | 'issuer'> {
  const { assertion, badge, issuer } = f;
  const id = f.assertionUrl ?? text(assertion?.id);
  const issuedOn = isoOf(assertion?.issuedOn);
  const image = idOf(badge?.image);
  return {
    ...(assertion && id && issuedOn
      ? {
          assertion: {
            id,
            issuedOn,
            expires: isoOf(assertion.expires) ?? null,
            revoked: f.revoked !== undefined,
            revocationReason: f.revoked?.reason ?? null,
          },
        }
      : {}),
    ...(badge && text(badge.id) && text(badge.name)
      ? {
          badge: {
            id: text(badge.id),
            name: text(badge.name),
            description: text(badge.description),
            image: image.length <= MAX_IMAGE_REFERENCE ? image : '',
          },
        }
      : {}),
    ...(issuer && text(issuer.id) && text(issuer.name)
      ? { issuer: { id: text(issuer.id), name: text(issuer.name), url: text(issuer.url), thisDeployment: false } }
      : {}),
  };
}

/** The report, in the schema `hosted.ts` produces, with every remote document the verdict used. */
export function reportOf(f: Findings, matched: boolean | null, sources: readonly Source[], now: Date): VerificationReport {
  const checks = [...documentChecks(f), ...f.checks];
  const status = statusOf(f, checks, matched);
  return {
    valid: status === 'valid',
    status,
    checks,
    recipient: { matched },
    ...summaries(f),
    ...(f.proof ? { proofs: [f.proof] } : {}),
    verifiedAt: now.toISOString(),
    sources: sources.map((source) => ({ ...source })),
  };
}

/** The recipient object of an assertion, or an empty one. */
export const recipientOf = (assertion: Json): Json => (isObject(assertion.recipient) ? assertion.recipient : {});
