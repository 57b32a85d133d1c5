/** @module People's views of a badge class and an issuer profile. */
import type { BadgeClassRecord, IssuerRecord } from '../db/records.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import { Layout } from './layout.tsx';

export function BadgePage({ badge, urls }: { badge: BadgeClassRecord; urls: PublicUrls }) {
  return (
    <Layout meta={{ title: badge.name, description: badge.description, url: urls.badge(badge.id), image: urls.badgeImage(badge.id) }}>
      <article class="card" aria-labelledby="badge-name">
        <div class="badge-head">
          <img src={`/badges/${badge.id}/image`} alt={`${badge.name} badge`} width="128" height="128" />
          <h1 id="badge-name">{badge.name}</h1>
        </div>
        <p>{badge.description}</p>
        <h2>Criteria</h2>
        {badge.criteriaNarrative && <p>{badge.criteriaNarrative}</p>}
        {badge.criteriaUrl && (
          <p>
            <a href={badge.criteriaUrl}>Full criteria</a>
          </p>
        )}
        <p>
          Issued by <a href={`/issuers/${badge.issuerId}`}>this issuer</a>.
        </p>
      </article>
    </Layout>
  );
}

export function IssuerPage({ issuer, urls }: { issuer: IssuerRecord; urls: PublicUrls }) {
  return (
    <Layout
      meta={{ title: issuer.name, description: issuer.description ?? `Badges issued by ${issuer.name}`, url: urls.issuer(issuer.id) }}
    >
      <article class="card" aria-labelledby="issuer-name">
        <h1 id="issuer-name">{issuer.name}</h1>
        {issuer.description && <p>{issuer.description}</p>}
        <dl>
          <dt>Website</dt>
          <dd>
            <a href={issuer.url}>{issuer.url}</a>
          </dd>
          <dt>Contact</dt>
          <dd>
            <a href={`mailto:${issuer.email}`}>{issuer.email}</a>
          </dd>
        </dl>
      </article>
    </Layout>
  );
}
