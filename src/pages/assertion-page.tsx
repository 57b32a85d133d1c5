/** @module The page a person sees when they open a badge link: the badge, its issuer and its status in words. */
import type { AssertionBundle } from '../db/records.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import type { VerificationReport } from '../verify/report.ts';
import { Layout } from './layout.tsx';

const date = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The status as a person reads it. */
export function statusText(report: VerificationReport): string {
  switch (report.status) {
    case 'valid':
      return report.assertion?.expires ? `Valid until ${date(report.assertion.expires)}` : 'Valid';
    case 'expired':
      return `Expired on ${date(report.assertion!.expires!)}`;
    case 'revoked':
      return `Revoked: ${report.assertion?.revocationReason ?? 'by the issuer'}`;
    case 'suspended':
      return 'Suspended by the issuer';
    case 'unverifiable':
      return `Cannot be verified now: ${report.checks.find((c) => !c.passed)?.message ?? 'a document it needs could not be fetched'}`;
    case 'not_found':
      return 'Not found';
    case 'not_yet_valid':
      return 'Not valid yet';
    case 'invalid':
      return `Not valid: ${report.checks.find((c) => !c.passed)?.message ?? ''}`;
  }
}

export type RecipientAnswer = { matched: boolean } | undefined;

export function AssertionPage({
  bundle,
  report,
  urls,
  answer,
}: {
  bundle: AssertionBundle;
  report: VerificationReport;
  urls: PublicUrls;
  answer?: RecipientAnswer;
}) {
  const { assertion, badge, issuer } = bundle;
  const status = statusText(report);
  return (
    <Layout
      meta={{
        title: `${badge.name} — ${issuer.name}`,
        description: `${status}. ${badge.description}`,
        url: urls.assertion(assertion.id),
        image: urls.badgeImage(badge.id),
      }}
    >
      <article class="card" aria-labelledby="badge-name">
        <div class="badge-head">
          <img src={`/badges/${badge.id}/image`} alt={`${badge.name} badge`} width="128" height="128" />
          <div>
            <h1 id="badge-name">{badge.name}</h1>
            <p class={`status status-${report.status}`} data-testid="status">
              {status}
            </p>
          </div>
        </div>
        <p>{badge.description}</p>
        {(badge.criteriaNarrative || badge.criteriaUrl) && (
          <section aria-labelledby="criteria">
            <h2 id="criteria">Criteria</h2>
            {badge.criteriaNarrative && <p>{badge.criteriaNarrative}</p>}
            {badge.criteriaUrl && (
              <p>
                <a href={badge.criteriaUrl}>Full criteria</a>
              </p>
            )}
          </section>
        )}
        <h2>Details</h2>
        <dl>
          <dt>Issuer</dt>
          <dd>
            <a href={issuer.url}>{issuer.name}</a>
          </dd>
          <dt>Issued on</dt>
          <dd>{date(assertion.issuedOn.toISOString())}</dd>
          {assertion.expires && (
            <>
              <dt>{report.status === 'expired' ? 'Expired on' : 'Expires on'}</dt>
              <dd>{date(assertion.expires.toISOString())}</dd>
            </>
          )}
        </dl>
        {!assertion.revokedAt && (
          <p>
            <a class="button" href={`/assertions/${assertion.id}/image`} download={`badge-${assertion.id}`}>
              Download the badge image
            </a>
          </p>
        )}
      </article>
      <section class="card" aria-label="Recipient check">
        <form method="post" action={`/assertions/${assertion.id}/recipient`}>
          <label id="recipient-question" for="email">
            Was this badge issued to …?
          </label>
          <input id="email" name="email" type="email" autocomplete="email" required placeholder="name@example.org" />
          <button type="submit">Check</button>
        </form>
        {answer && (
          <p class="answer" role="status" data-testid="recipient-answer">
            {answer.matched ? 'Yes: this badge was issued to that address.' : 'No: this badge was not issued to that address.'}
          </p>
        )}
      </section>
      <p>
        Machine-readable: <a href={`/assertions/${assertion.id}/verify`}>verification report</a> ·{' '}
        <a href={`/assertions/${assertion.id}`} type="application/ld+json">
          Open Badges assertion
        </a>
      </p>
    </Layout>
  );
}
