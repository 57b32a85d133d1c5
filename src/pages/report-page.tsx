/** @module GET /verify?url=…: a shareable page with the verdict on any badge URL, and what it was built from. */
import type { VerificationReport } from '../verify/report.ts';
import { statusText } from './assertion-page.tsx';
import { Layout } from './layout.tsx';

export function ReportPage({ url, pageUrl, report }: { url: string; pageUrl: string; report: VerificationReport }) {
  const status = statusText(report);
  const name = report.badge?.name ?? 'Badge';
  return (
    <Layout meta={{ title: `${name}: ${status}`, description: `Verification of ${url}: ${status}.`, url: pageUrl }}>
      <article class="card" aria-labelledby="badge-name">
        <h1 id="badge-name">{name}</h1>
        <p class={`status status-${report.status}`} data-testid="status">
          {status}
        </p>
        <dl>
          <dt>Badge URL</dt>
          <dd>
            <a href={url} rel="nofollow noopener">
              {url}
            </a>
          </dd>
          {report.issuer && (
            <>
              <dt>Issuer</dt>
              <dd>
                {report.issuer.name}
                {report.issuer.name !== report.issuer.id && ` (${report.issuer.id})`}
                {report.issuer.thisDeployment ? ' · hosted here' : ''}
              </dd>
            </>
          )}
          <dt>Checked at</dt>
          <dd>{report.verifiedAt}</dd>
        </dl>
        <h2>Checks</h2>
        <ul data-testid="checks">
          {report.checks.map((c) => (
            <li class={c.passed ? 'passed' : 'failed'}>
              {c.passed ? '✓' : '✗'} {c.message}
            </li>
          ))}
        </ul>
        {report.sources?.length ? (
          <>
            <h2>Documents used</h2>
            <ul>
              {report.sources.map((s) => (
                <li>
                  {s.url}:{' '}
                  {s.error
                    ? `not fetched (${s.error.code})`
                    : `${s.from}, ${s.ageSeconds ?? 0} s old, fresh for ${s.freshForSeconds ?? 0} s`}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </article>
      <p>
        <a href="/verify">Verify another badge</a>
      </p>
    </Layout>
  );
}
