/** @module The page a person sees when they open a badge link: the badge, its issuer and its status in words. */
import type { AssertionBundle } from '../db/records.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import type { VerificationReport } from '../verify/report.ts';
import { htmlSnippet, iframeSnippet, linkedInAddToProfileUrl, linkedInShareUrl, mailtoUrl } from './earner-links.ts';
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
  const pageUrl = urls.assertion(assertion.id);
  return (
    <Layout
      meta={{
        title: `${badge.name} — ${issuer.name}`,
        description: `${status}. ${badge.description}`,
        url: pageUrl,
        image: urls.badgeImage(badge.id),
        oembed: urls.oembed(pageUrl),
      }}
      scripts={['/assets/earner.js']}
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
      <EarnerActions bundle={bundle} urls={urls} />
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

/** Taking the badge elsewhere: LinkedIn, e-mail, a copied link, the wallet, the QR code, the certificate and the embed code. */
function EarnerActions({ bundle, urls }: { bundle: AssertionBundle; urls: PublicUrls }) {
  const { assertion } = bundle;
  const pageUrl = urls.assertion(assertion.id);
  const revoked = Boolean(assertion.revokedAt);
  return (
    <section class="card" aria-labelledby="share">
      <h2 id="share">Show this badge</h2>
      {!revoked && (
        <ul class="actions">
          <li>
            <a class="button" href={linkedInAddToProfileUrl(bundle, urls)} rel="noopener" target="_blank" data-testid="linkedin-add">
              Add to LinkedIn profile
            </a>
          </li>
          <li>
            <a class="button secondary" href={linkedInShareUrl(pageUrl)} rel="noopener" target="_blank" data-testid="linkedin-share">
              Share on LinkedIn
            </a>
          </li>
          <li>
            <a class="button secondary" href={mailtoUrl(bundle, pageUrl)} data-testid="share-email">
              Share by e-mail
            </a>
          </li>
          <li>
            <button type="button" class="secondary" data-copy="page-url" data-testid="copy-link">
              Copy link
            </button>
          </li>
          <li>
            <a class="button secondary" href={`/assertions/${assertion.id}/wallet`} data-testid="wallet-link">
              Pick it up in your wallet
            </a>
          </li>
        </ul>
      )}
      <p>
        <label for="page-url">Link to this badge</label>
        <input id="page-url" type="url" readonly value={pageUrl} />
      </p>
      <div class="qr-row">
        <img src={`/assertions/${assertion.id}/qr.svg`} alt={`QR code of ${pageUrl}`} width="128" height="128" data-testid="qr" />
        <p>
          Scan to open this page. <a href={`/assertions/${assertion.id}/certificate`}>Printable certificate</a> ·{' '}
          <a href={`/assertions/${assertion.id}/qr.svg`} download={`qr-${assertion.id}.svg`}>
            Download the QR code
          </a>
        </p>
      </div>
      <details>
        <summary>Embed this badge on a web page</summary>
        <label for="embed-iframe">An embedded card (iframe)</label>
        <textarea id="embed-iframe" readonly rows={3}>
          {iframeSnippet(bundle, urls)}
        </textarea>
        <button type="button" class="secondary" data-copy="embed-iframe">
          Copy the iframe code
        </button>
        <label for="embed-html">Plain HTML (where iframes are not allowed, such as a README)</label>
        <textarea id="embed-html" readonly rows={3}>
          {htmlSnippet(bundle, urls)}
        </textarea>
        <button type="button" class="secondary" data-copy="embed-html">
          Copy the HTML
        </button>
      </details>
      <p class="copied" role="status" aria-live="polite" data-testid="copied"></p>
    </section>
  );
}
