/** @module Verification of one or many assertions: one data-access call, then the checks. */
import { getAssertionBundle, getAssertionBundles } from '../data/documents.ts';
import type { DataScope } from '../data/scope.ts';
import { readStatusList } from '../data/status-lists.ts';
import type { AssertionBundle } from '../db/queries.ts';
import { isPublicId } from '../ids.ts';
import type { RecipientClaim } from '../openbadges/recipient.ts';
import { publicUrls } from '../openbadges/urls.ts';
import { verifyCredential } from './credential.ts';
import type { VerificationReport } from './report.ts';
import { notFoundReport, type VerificationRequest, verifyBundle } from './verify.ts';

/** Reports in the order of `requests`; all bundles come from one statement however many there are. */
export async function verifyAssertions(scope: DataScope, requests: readonly VerificationRequest[]): Promise<VerificationReport[]> {
  const bundles = await getAssertionBundles(
    scope,
    requests.map((r) => r.id),
  );
  const urls = publicUrls(scope.deps.config.publicBaseUrl);
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
  const bundle = await getAssertionBundle(scope, id);
  if (!bundle) return undefined;
  return { bundle, report: await verifyBundle(bundle, { id }, publicUrls(scope.deps.config.publicBaseUrl), new Date()) };
}

/** An OB 3.0 credential a verifier holds; status lists of this deployment come from its own tiers, never the network. */
export function verifyHeldCredential(
  scope: DataScope,
  credential: unknown,
  recipient: RecipientClaim | undefined,
): Promise<VerificationReport> {
  const prefix = `${scope.deps.config.publicBaseUrl}/status/`;
  return verifyCredential(
    credential,
    recipient,
    {
      listOf(url) {
        const [issuerId, list, ...rest] = url.startsWith(prefix) ? url.slice(prefix.length).split('/') : [];
        return isPublicId(issuerId) && /^(0|[1-9][0-9]{0,4})$/.test(list ?? '') && !rest.length
          ? { issuerId, listNumber: Number(list) }
          : undefined;
      },
      read: async (issuerId, listNumber) => (await readStatusList(scope, issuerId, listNumber))?.json,
    },
    new Date(),
  );
}
