/** @module Verification of one or many assertions: one data-access call, then the checks. */
import { getAssertionBundle, getAssertionBundles } from '../data/documents.ts';
import type { DataScope } from '../data/scope.ts';
import type { AssertionBundle } from '../db/queries.ts';
import { publicUrls } from '../openbadges/urls.ts';
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
