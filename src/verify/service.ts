/** @module Verification of one or many assertions: one data-access call, then the checks. */

import { VC_V1_CONTEXT, VC_V2_CONTEXT } from '../credentials/contexts.ts';
import { isVcJwt } from '../credentials/vc-jwt.ts';
import { readAssertionBundle, readBadgeClass, readIssuer, readIssuerKeys } from '../data/read/documents.ts';
import { readAssertionBundles } from '../data/read/records.ts';
import { readCredential } from '../data/read/signed-credentials.ts';
import type { DataScope } from '../data/scope.ts';
import { readStatusList } from '../data/signing/status-lists.ts';
import type { AssertionBundle } from '../db/records.ts';
import type { RecipientClaim } from '../openbadges/recipient.ts';
import type { RecordRef } from '../openbadges/urls.ts';
import { openRemoteSession } from '../remote/session.ts';
import type { RemoteSession } from '../remote/types.ts';
import type { LocalSources } from './local-sources.ts';
import { notFoundReport, type VerificationRequest, verifyBundle } from './ob2/hosted.ts';
import { verifyRemoteAssertion } from './ob2/remote-assertion.ts';
import type { Verifiable } from './reference.ts';
import type { VerificationReport } from './report.ts';
import { fetchPublished, verifyCredential } from './vc/held-credential.ts';

/** Reports in the order of `requests`; all bundles come from one statement however many there are. */
export async function verifyAssertions(scope: DataScope, requests: readonly VerificationRequest[]): Promise<VerificationReport[]> {
  const bundles = await readAssertionBundles(
    scope,
    requests.map((r) => r.id),
  );
  const urls = scope.deps.urls;
  const now = new Date();
  return Promise.all(
    requests.map((request) => {
      const bundle = bundles.get(request.id);
      return bundle ? verifyBundle(bundle, request, urls, now) : notFoundReport(now);
    }),
  );
}

/** One hosted assertion by id, with the records its report was built from; undefined when there is none. */
export async function verifyHosted(
  scope: DataScope,
  id: string,
): Promise<{ bundle: AssertionBundle; report: VerificationReport } | undefined> {
  const bundle = await readAssertionBundle(scope, id);
  if (!bundle) return undefined;
  return { bundle, report: await verifyBundle(bundle, { id }, scope.deps.urls, new Date()) };
}

/** The issuer of an award, badge class or issuer record; undefined when the tiers (or the primary, `fromPrimary`) have no such record. */
async function issuerOfRecord(scope: DataScope, { kind, id }: RecordRef, fromPrimary = false): Promise<string | undefined> {
  if (kind === 'assertion') return (await readAssertionBundle(scope, id, fromPrimary))?.issuer.id;
  if (kind === 'badge') return (await readBadgeClass(scope, id, fromPrimary))?.issuerId;
  return (await readIssuer(scope, id, fromPrimary))?.id;
}

/** What this deployment knows of itself, from its own tiers. */
function localSourcesOf(scope: DataScope): LocalSources {
  const { urls, dids } = scope.deps;
  return {
    listOf: (url) => urls.statusListOf(url),
    readList: async (issuerId, listNumber) => (await readStatusList(scope, issuerId, listNumber))?.json,
    issuerOfWeb: (did) => dids.issuerOfWeb(did),
    issuerKeys: (issuerId, fromPrimary) => readIssuerKeys(scope, issuerId, fromPrimary),
    isRecordUrl: (url) => urls.recordOf(url) !== undefined,
    ownerOf: async (url) => {
      const record = urls.recordOf(url);
      return record && ((await issuerOfRecord(scope, record)) ?? (await issuerOfRecord(scope, record, true)) ?? null);
    },
  };
}

/**
 * A credential a verifier holds (a JSON object or a compact VC-JWT): this deployment's status
 * lists and DID documents come from its own tiers, never over HTTP to itself; anyone else's
 * through the safe fetcher.
 */
export function verifyHeldCredential(
  scope: DataScope,
  credential: unknown,
  recipient: RecipientClaim | undefined,
  session: RemoteSession = openRemoteSession(scope),
): Promise<VerificationReport> {
  return verifyCredential(credential, recipient, localSourcesOf(scope), session, new Date());
}

/** Whether a badge document is a Verifiable Credential (else an OB 2.0 assertion): by its contexts, or a JWT's claims. */
function isCredentialDocument(document: unknown): boolean {
  const contexts = [(document as { '@context'?: unknown } | null)?.['@context']].flat();
  return contexts.includes(VC_V1_CONTEXT) || contexts.includes(VC_V2_CONTEXT);
}

/**
 * A badge by the URL it is published at, whatever it is: an OB 2.0 hosted assertion (fetched as a
 * status document: it carries revocation), a signed one, or a credential (JSON or VC-JWT).
 */
async function verifyPublishedBadge(scope: DataScope, url: string, recipient: RecipientClaim | undefined): Promise<VerificationReport> {
  const session = openRemoteSession(scope);
  const published = await fetchPublished(session, url);
  if ('problem' in published) {
    return {
      valid: false,
      status: published.unverifiable ? 'unverifiable' : 'invalid',
      checks: [{ name: 'fetched', passed: false, message: `The badge ${published.problem}.` }],
      recipient: { matched: null },
      verifiedAt: new Date().toISOString(),
      sources: [...session.sources],
    };
  }
  const { document, jws } = published;
  if (jws)
    return isVcJwt(jws)
      ? verifyHeldCredential(scope, jws, recipient, session)
      : verifyRemoteAssertion(session, { jws }, recipient, new Date());
  return isCredentialDocument(document)
    ? verifyHeldCredential(scope, document, recipient, session)
    : verifyRemoteAssertion(session, { url }, recipient, new Date());
}

/** One of our awards' credential, read from our own tiers (never over HTTP to ourselves), then verified as held. */
async function verifyOwnCredential(scope: DataScope, id: string, recipient: RecipientClaim | undefined): Promise<VerificationReport> {
  const signed = await readCredential(scope, id);
  return signed ? verifyHeldCredential(scope, JSON.parse(signed.json), recipient) : notFoundReport(new Date());
}

/** Anything a verifier holds, in order: our own assertions from one statement, the rest side by side. */
export async function verifyVerifiables(scope: DataScope, items: readonly Verifiable[]): Promise<VerificationReport[]> {
  const ours = items.flatMap((item) => (item.kind === 'assertion' ? [item.request] : []));
  const oursReports = ours.length ? await verifyAssertions(scope, ours) : [];
  let next = 0;
  return Promise.all(
    items.map((item) => {
      if (item.kind === 'assertion') return oursReports[next++]!;
      if (item.kind === 'remote-assertion') {
        const { held, recipient } = item;
        if ('url' in held) return verifyPublishedBadge(scope, held.url, recipient);
        if ('jws' in held && isVcJwt(held.jws)) return verifyHeldCredential(scope, held.jws, recipient);
        return verifyRemoteAssertion(openRemoteSession(scope), held, recipient, new Date());
      }
      if (item.ownId) return verifyOwnCredential(scope, item.ownId, item.recipient);
      if (item.publishedAt) return verifyPublishedBadge(scope, item.publishedAt, item.recipient);
      return verifyHeldCredential(scope, item.credential, item.recipient);
    }),
  );
}
