/** @module The public, dereferenceable URLs of every document, built from PUBLIC_BASE_URL. */
import { isPublicId } from '../lib/ids.ts';

export type PublicUrls = ReturnType<typeof publicUrls>;

/** A status list number as it appears in URLs: digits, no leading zero (one spelling per list). */
export const LIST_NUMBER = /^(0|[1-9][0-9]{0,4})$/;
/** The last list an issuer can have: its positions (list × 131,072 + index) stay within a Postgres integer. */
export const MAX_LIST_NUMBER = 16_383;

/** The record a path family names: awards under both their OB 2.0 and OB 3.0 paths; a status list under its issuer. */
const RECORD_FAMILIES = {
  assertions: 'assertion',
  credentials: 'assertion',
  badges: 'badge',
  issuers: 'issuer',
  status: 'issuer',
} as const;

export type RecordRef = { kind: (typeof RECORD_FAMILIES)[keyof typeof RECORD_FAMILIES]; id: string };

export function publicUrls(base: string) {
  const baseUrl = new URL(base);
  const basePath = baseUrl.pathname.replace(/\/$/, '');
  /** Our host name over http or https, on any port, with or without the trailing dot of a fully qualified name (a claim on it is checked, never waved through). */
  const isOurHost = (url: URL) =>
    (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.replace(/\.$/, '') === baseUrl.hostname.replace(/\.$/, '');
  return {
    issuer: (id: string) => `${base}/issuers/${id}`,
    revocationList: (issuerId: string) => `${base}/issuers/${issuerId}/revocations`,
    badge: (id: string) => `${base}/badges/${id}`,
    badgeImage: (id: string) => `${base}/badges/${id}/image`,
    assertion: (id: string) => `${base}/assertions/${id}`,
    assertionImage: (id: string) => `${base}/assertions/${id}/image`,
    verification: (id: string) => `${base}/assertions/${id}/verify`,
    credential: (id: string) => `${base}/credentials/${id}`,
    credentialImage: (id: string) => `${base}/credentials/${id}/image`,
    walletPickup: (id: string) => `${base}/assertions/${id}/wallet`,
    embed: (id: string) => `${base}/assertions/${id}/embed`,
    qrCode: (id: string) => `${base}/assertions/${id}/qr.svg`,
    certificate: (id: string) => `${base}/assertions/${id}/certificate`,
    /** The oEmbed answer for `url`, its parameters in the canonical-URL order. */
    oembed: (url: string) => `${base}/oembed?${new URLSearchParams({ url, format: 'json' })}`,
    exchange: (id: string) => `${base}/exchanges/${id}`,
    /** The Learner Credential Wallet's deep link into exchange `id` (its `request.html`, VC-API with a bearer challenge). */
    walletRequest: (id: string, challenge: string) =>
      `https://lcw.app/request.html?${new URLSearchParams({ issuer: base, auth_type: 'bearer', challenge, vc_request_url: `${base}/exchanges/${id}` })}`,
    statusList: (issuerId: string, listNumber: number) => `${base}/status/${issuerId}/${listNumber}`,
    /** The issuer and list number of one of our status list URLs, or undefined for any other URL. */
    statusListOf(url: string): { issuerId: string; listNumber: number } | undefined {
      const prefix = `${base}/status/`;
      const [issuerId, list, ...rest] = url.startsWith(prefix) ? url.slice(prefix.length).split('/') : [];
      const listNumber = LIST_NUMBER.test(list ?? '') ? Number(list) : Number.NaN;
      return isPublicId(issuerId) && listNumber <= MAX_LIST_NUMBER && !rest.length ? { issuerId, listNumber } : undefined;
    },
    /**
     * The record a URL on this deployment's host names (http or https, in any spelling a URL
     * parser accepts, a trailing dot included); null for a URL of this host that names none;
     * undefined for any other URL.
     */
    recordOf(url: string): RecordRef | null | undefined {
      const parsed = URL.parse(url);
      if (!parsed || !isOurHost(parsed)) return undefined;
      const [family, id] = parsed.pathname.slice(basePath.length + 1).split('/');
      const kind = RECORD_FAMILIES[family as keyof typeof RECORD_FAMILIES];
      return kind && isPublicId(id) ? { kind, id } : null;
    },
    /** The assertion id inside one of our assertion URLs, or undefined for any other URL. */
    assertionIdOf(url: string): string | undefined {
      const prefix = `${base}/assertions/`;
      if (!url.startsWith(prefix)) return undefined;
      const id = url.slice(prefix.length);
      return isPublicId(id) ? id : undefined;
    },
  };
}
