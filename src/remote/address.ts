/**
 * @module Which URLs the fetcher may ask for: https, on a public DNS name, at the default port;
 * plain http only for a host of the local map (REMOTE_FETCH_HOSTS). Checked on the URL as WHATWG
 * parses it, so `http://2130706433/`, `http://0x7f.1/` and `http://127.1/` arrive here as
 * `127.0.0.1` and are refused with every other IP literal. A public-looking name that resolves to
 * a private address cannot be caught here (a Worker does not resolve names): production turns on
 * `global_fetch_strictly_public` for that.
 */
import { RemoteFetchError } from './types.ts';

/** Special-use names (RFC 6761 localhost, RFC 6762 .local, RFC 8375 .home.arpa) and cloud metadata (`metadata.google.internal`). */
const PRIVATE_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa'];

/** An IPv4 literal after parsing: WHATWG turns decimal, octal, hex and short forms into this. */
const IPV4_LITERAL = /^\d+\.\d+\.\d+\.\d+$/;

/** What decides which hosts may be asked: the local map (REMOTE_FETCH_HOSTS) and this deployment's own host. */
export type HostRules = { hosts: ReadonlyMap<string, string>; ownHost: string };

/** Why `url` (with `host`, its name without trailing dots) may not be fetched, if it may not. */
function refusal(url: URL, host: string, { hosts, ownHost }: HostRules): string | undefined {
  if (host === ownHost) return "this deployment's own host (its badges are read from its records)";
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && hosts.has(host))) return 'only https URLs are fetched';
  if (url.username || url.password) return 'a URL with credentials';
  if (url.port) return 'only the default port is fetched';
  if (host.startsWith('[') || IPV4_LITERAL.test(host)) return 'an IP address, not a public host name';
  if (!host.includes('.') || host.split('.').includes('')) return 'not a fully qualified host name';
  if (PRIVATE_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) return 'a private host name';
  return undefined;
}

/**
 * The URL to fetch for `raw` (resolved against `base`, for a redirect), normalised: trailing dots
 * of the host and the fragment dropped. Throws `refused_url` naming `asked`, the document's URL.
 *
 * @example checkRemoteUrl('https://issuer.example/profile', url, rules) // URL
 * @example checkRemoteUrl('http://2130706433/', url, rules) // throws refused_url
 */
export function checkRemoteUrl(raw: string, asked: string, rules: HostRules, base?: URL): URL {
  const url = URL.parse(raw, base?.href);
  if (!url) throw new RemoteFetchError(asked, 'refused_url', `Refused ${raw}: not a URL.`);
  const host = url.hostname.replace(/\.+$/, '');
  const problem = refusal(url, host, rules);
  if (problem) throw new RemoteFetchError(asked, 'refused_url', `Refused ${url.href}: ${problem}.`);
  url.hostname = host;
  url.hash = '';
  return url;
}

/** Where a request for `url` goes: its local stand-in's origin for a mapped host (path and query kept), else `url` itself. */
export function routeOf(url: URL, hosts: ReadonlyMap<string, string>): string {
  const local = hosts.get(url.hostname);
  return local ? `${local}${url.pathname}${url.search}` : url.href;
}
