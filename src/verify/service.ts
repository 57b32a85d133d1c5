/** @module Verification of one or many assertions: one data-access call, then the checks. */
import { readAssertionBundle, readBadgeClass, readIssuer, readIssuerKeys } from '../data/read/documents.ts';
import { readAssertionBundles } from '../data/read/records.ts';
import type { DataScope } from '../data/scope.ts';
import { readStatusList } from '../data/signing/status-lists.ts';
import type { AssertionBundle } from '../db/records.ts';
import type { RecipientClaim } from '../openbadges/recipient.ts';
import type { RecordRef } from '../openbadges/urls.ts';
import { type LocalSources, verifyCredential } from './held-credential.ts';
import { notFoundReport, type VerificationRequest, verifyBundle } from './hosted.ts';
import type { VerificationReport } from './report.ts';

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

/** An OB 3.0 credential a verifier holds; status lists and DID documents of this deployment come from its own tiers, never the network. */
export function verifyHeldCredential(
  scope: DataScope,
  credential: unknown,
  recipient: RecipientClaim | undefined,
): Promise<VerificationReport> {
  const { urls, dids } = scope.deps;
  const local: LocalSources = {
    listOf: (url) => urls.statusListOf(url),
    readList: async (issuerId, listNumber) => (await readStatusList(scope, issuerId, listNumber))?.json,
    issuerOfWeb: (did) => dids.issuerOfWeb(did),
    issuerKeys: (issuerId, fromPrimary) => readIssuerKeys(scope, issuerId, fromPrimary),
    ownerOf: async (url) => {
      const record = urls.recordOf(url);
      return record && ((await issuerOfRecord(scope, record)) ?? (await issuerOfRecord(scope, record, true)) ?? null);
    },
  };
  return verifyCredential(credential, recipient, local, new Date());
}
