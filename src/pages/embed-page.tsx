/**
 * @module The embeddable card (`/assertions/{id}/embed`): the badge, its issuer and its status,
 * small enough for an iframe on someone else's page, and a link to the full page.
 */
import type { AssertionBundle } from '../db/records.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import type { VerificationReport } from '../verify/report.ts';
import { statusText } from './assertion-page.tsx';

export function EmbedPage({ bundle, report, urls }: { bundle: AssertionBundle; report: VerificationReport; urls: PublicUrls }) {
  const { assertion, badge, issuer } = bundle;
  const pageUrl = urls.assertion(assertion.id);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${badge.name} — ${issuer.name}`}</title>
        <meta name="robots" content="noindex" />
        <link rel="canonical" href={pageUrl} />
        <link rel="stylesheet" href="/assets/site.css" />
      </head>
      <body class="embed">
        <article class="embed-card" aria-labelledby="badge-name">
          <img src={`/badges/${badge.id}/image`} alt={`${badge.name} badge`} width="96" height="96" />
          <div>
            <h1 id="badge-name">{badge.name}</h1>
            <p class="issuer">{issuer.name}</p>
            <p class={`status status-${report.status}`} data-testid="status">
              {statusText(report)}
            </p>
            <p>
              {/* Framed: the full page opens outside the frame, never inside someone else's page. */}
              <a href={pageUrl} target="_blank" rel="noopener">
                Verify this badge
              </a>
            </p>
          </div>
        </article>
      </body>
    </html>
  );
}
