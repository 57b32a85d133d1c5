/**
 * @module The printable certificate (`/assertions/{id}/certificate`): one A4 or Letter page with
 * the badge, issuer, dates, status, a QR code and the URL that verifies it. A revoked or expired
 * award says so on paper too, in words, not by colour alone.
 */
import type { AssertionBundle } from '../db/records.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import type { VerificationReport } from '../verify/report.ts';
import { statusText } from './assertion-page.tsx';

const date = (value: Date) => value.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The banner across a certificate that no longer stands: printed, so a copy on paper cannot pass for a valid one. */
function notice(report: VerificationReport): string | undefined {
  if (report.status === 'revoked') return 'REVOKED: this certificate is no longer valid';
  if (report.status === 'expired') return 'EXPIRED: this certificate is no longer valid';
  if (report.status !== 'valid') return `NOT VALID: ${statusText(report)}`;
  return undefined;
}

export function CertificatePage({ bundle, report, urls }: { bundle: AssertionBundle; report: VerificationReport; urls: PublicUrls }) {
  const { assertion, badge, issuer } = bundle;
  const pageUrl = urls.assertion(assertion.id);
  const warning = notice(report);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`Certificate: ${badge.name} — ${issuer.name}`}</title>
        <meta name="robots" content="noindex" />
        <link rel="canonical" href={pageUrl} />
        <link rel="stylesheet" href="/assets/certificate.css" />
        <script src="/assets/earner.js" defer />
      </head>
      <body>
        <p class="screen-only">
          <a href={pageUrl}>Back to the badge</a> ·{' '}
          <button type="button" data-print>
            Print or save as PDF
          </button>
        </p>
        <main class={`certificate status-${report.status}`}>
          {warning && (
            <p class="notice" role="alert" data-testid="notice">
              {warning}
            </p>
          )}
          <p class="kicker">Certificate of achievement</p>
          <img class="badge" src={`/badges/${badge.id}/image`} alt={`${badge.name} badge`} width="120" height="120" />
          <h1>{badge.name}</h1>
          {/* A name only when the issuer recorded one to print: the identity (an e-mail, a URL) is never stored, let alone printed. */}
          {assertion.recipientName && (
            <p class="recipient" data-testid="recipient">
              <span>presented to</span>
              <strong>{assertion.recipientName}</strong>
            </p>
          )}
          <p class="awarded">
            awarded by <strong>{issuer.name}</strong>
          </p>
          <p class="description">{badge.description}</p>
          <dl>
            <dt>Issued on</dt>
            <dd>{date(assertion.issuedOn)}</dd>
            {assertion.expires && (
              <>
                <dt>{report.status === 'expired' ? 'Expired on' : 'Valid until'}</dt>
                <dd>{date(assertion.expires)}</dd>
              </>
            )}
            <dt>Status</dt>
            <dd data-testid="status">{statusText(report)}</dd>
            <dt>Certificate id</dt>
            <dd>{assertion.id}</dd>
          </dl>
          <div class="verify">
            <img src={`/assertions/${assertion.id}/qr.svg`} alt={`QR code of ${pageUrl}`} width="112" height="112" />
            <p>
              Verify this certificate at
              <br />
              <a href={pageUrl} data-testid="assertion-url">
                {pageUrl}
              </a>
            </p>
          </div>
        </main>
      </body>
    </html>
  );
}
