/**
 * @module Where an earner takes a badge: LinkedIn's add-to-profile and share URLs, an e-mail, the
 * embed snippets and the oEmbed answer. Plain URLs and strings, no third-party script: the
 * formats are the ones on the architecture page ("Earner features").
 */
import type { AssertionBundle } from '../db/records.ts';
import type { PublicUrls } from '../openbadges/urls.ts';

/** The embed card's size in CSS pixels: what the iframe snippet and oEmbed ask for unless told less. */
export const EMBED_SIZE = { width: 400, height: 200 } as const;

const month = (date: Date) => String(date.getUTCMonth() + 1);

/**
 * LinkedIn's "Add to profile" (a certification): with the issuer's LinkedIn organization id the
 * entry shows its logo; without one, LinkedIn takes the name as typed.
 *
 * @example linkedInAddToProfileUrl(bundle, urls) // https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=…
 */
export function linkedInAddToProfileUrl({ assertion, badge, issuer }: AssertionBundle, urls: PublicUrls): string {
  const query = new URLSearchParams({ startTask: 'CERTIFICATION_NAME', name: badge.name });
  // Records kept in Redis before the column existed have no such field: undefined counts as none.
  if (issuer.linkedInOrganizationId) query.set('organizationId', issuer.linkedInOrganizationId);
  else query.set('organizationName', issuer.name);
  query.set('issueYear', String(assertion.issuedOn.getUTCFullYear()));
  query.set('issueMonth', month(assertion.issuedOn));
  if (assertion.expires) {
    query.set('expirationYear', String(assertion.expires.getUTCFullYear()));
    query.set('expirationMonth', month(assertion.expires));
  }
  query.set('certUrl', urls.assertion(assertion.id));
  query.set('certId', assertion.id);
  return `https://www.linkedin.com/profile/add?${query}`;
}

/** LinkedIn's share-to-feed link (widely used, not in LinkedIn's current docs): the post unfurls the page's Open Graph tags. */
export const linkedInShareUrl = (pageUrl: string) =>
  `https://www.linkedin.com/sharing/share-offsite/?${new URLSearchParams({ url: pageUrl })}`;

/** A `mailto:` with the badge in the subject and its URL in the body (RFC 6068: percent-encoded, spaces as %20). */
export function mailtoUrl({ badge, issuer }: AssertionBundle, pageUrl: string): string {
  const encode = (text: string) => encodeURIComponent(text);
  const subject = `My badge: ${badge.name}`;
  const body = `I earned "${badge.name}" from ${issuer.name}. Verify it here: ${pageUrl}`;
  return `mailto:?subject=${encode(subject)}&body=${encode(body)}`;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The `<iframe>` other sites paste (also oEmbed's `html`), at most `size`. */
export function iframeSnippet(bundle: AssertionBundle, urls: PublicUrls, size: { width: number; height: number } = EMBED_SIZE): string {
  const title = escapeHtml(`${bundle.badge.name} — ${bundle.issuer.name}`);
  const src = escapeHtml(urls.embed(bundle.assertion.id));
  return `<iframe src="${src}" width="${size.width}" height="${size.height}" title="${title}" loading="lazy" style="border:0;max-width:100%"></iframe>`;
}

/** A plain HTML card (a link around the badge image and its name) for places that refuse iframes, such as READMEs. */
export function htmlSnippet({ assertion, badge, issuer }: AssertionBundle, urls: PublicUrls): string {
  const page = escapeHtml(urls.assertion(assertion.id));
  const image = escapeHtml(urls.badgeImage(badge.id));
  const name = escapeHtml(badge.name);
  return `<a href="${page}"><img src="${image}" alt="${name} badge" width="96" height="96"><br>${name} — ${escapeHtml(issuer.name)}</a>`;
}
