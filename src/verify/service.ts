/** @module Verification of one or many assertions: one data-access call, then the checks. */
import { getAssertionBundles } from '../data/documents.ts';
import type { DataScope } from '../data/scope.ts';
import { publicUrls } from '../openbadges/urls.ts';
import type { VerificationReport } from './report.ts';
import { notFoundReport, verifyBundle, type VerificationRequest } from './verify.ts';

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
