/**
 * @module One remote document over the network: GET with `redirect: 'manual'` (the platform's
 * `'follow'` would forward every header to wherever a redirect points), each hop's Location
 * re-checked as the URL first asked was, the body cut off while it streams, the whole document
 * within one timeout. Only the headers given are sent: no cookies, no credentials.
 */
import { checkRemoteUrl, type HostRules, routeOf } from './address.ts';
import { isAccepted, mayBeAccepted, mediaTypeOf } from './media.ts';
import { type RemoteAccept, RemoteFetchError } from './types.ts';

/** Redirects followed per document; one more is `too_many_redirects`. */
export const MAX_REDIRECTS = 3;
/** One document, redirects and body included: a verification waits for several, and Workers set no limit of their own. */
export const FETCH_TIMEOUT_MS = 3_000;
/** JSON and JWT documents are kilobytes; a status list of 131,072 entries is about 20 KB. Workers set no limit: this is ours. */
export const MAX_BODY_BYTES = 1024 * 1024;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ANSWERS = new Set([200, 404, 410]);

/** A final status that is neither an answer nor a redirect (`bad_status`), with the status kept: a 5xx may be served stale. */
export class BadStatusError extends RemoteFetchError {
  constructor(
    url: string,
    readonly status: number,
  ) {
    super(url, 'bad_status', `${url} answered HTTP ${status}.`);
  }
}

export type NetworkRequest = {
  /** Checked already (`checkRemoteUrl`). */
  url: URL;
  accept: RemoteAccept;
  /** Every header sent: Accept, User-Agent, and the revalidation headers of a kept copy. */
  headers: Record<string, string>;
  /** Which hosts a redirect may lead to. */
  rules: HostRules;
  /** Takes one request from the session's budget before each hop; throws `over_budget` when none is left. */
  spend(): void;
};

/** What the origin answered: a document (200, 404, 410) or, to a revalidation, 304 (empty body). */
export type NetworkAnswer = { status: 200 | 304 | 404 | 410; finalUrl: URL; headers: Headers; contentType: string; body: string };

/** The body as text, refused early by a Content-Length above the cap and cut off past it (the fetch's signal aborts a slow one). */
async function readCapped(response: Response, asked: string): Promise<string> {
  const tooLarge = () => new RemoteFetchError(asked, 'too_large', `${asked} is larger than ${MAX_BODY_BYTES} bytes.`);
  if (Number(response.headers.get('content-length')) > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}

async function follow(request: NetworkRequest, signal: AbortSignal): Promise<NetworkAnswer> {
  const asked = request.url.href;
  let url = request.url;
  for (let hop = 0; ; hop++) {
    request.spend();
    const response = await fetch(routeOf(url, request.rules.hosts), { headers: request.headers, redirect: 'manual', signal });
    const { status } = response;
    if (REDIRECTS.has(status)) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location) throw new BadStatusError(asked, status);
      if (hop === MAX_REDIRECTS)
        throw new RemoteFetchError(asked, 'too_many_redirects', `${asked} redirects more than ${MAX_REDIRECTS} times.`);
      url = checkRemoteUrl(location, asked, request.rules, url);
      continue;
    }
    const contentType = mediaTypeOf(response.headers.get('content-type'));
    const answer = { status, finalUrl: url, headers: response.headers, contentType, body: '' };
    if (status === 304) {
      await response.body?.cancel();
      return answer as NetworkAnswer;
    }
    if (!ANSWERS.has(status)) {
      await response.body?.cancel();
      throw new BadStatusError(asked, status);
    }
    const refused = () =>
      new RemoteFetchError(
        asked,
        'bad_content_type',
        `${asked} is ${contentType || 'untyped'}, not ${request.accept === 'json' ? 'JSON' : 'JSON or a JWT'}.`,
      );
    // A 404 or 410 is an answer whatever its body (often an HTML error page): only a document's type is checked.
    if (status === 200 && !mayBeAccepted(request.accept, contentType)) {
      await response.body?.cancel();
      throw refused();
    }
    answer.body = await readCapped(response, asked);
    if (status === 200 && !isAccepted(request.accept, contentType, answer.body)) throw refused();
    return answer as NetworkAnswer;
  }
}

/**
 * GETs `request.url`, following at most `MAX_REDIRECTS` redirects, within `FETCH_TIMEOUT_MS`.
 * Throws `RemoteFetchError`: `refused_url` (a redirect to a URL that may not be fetched),
 * `too_many_redirects`, `bad_status` (`BadStatusError`), `bad_content_type`, `too_large`,
 * `timeout`, `unreachable`, or `over_budget` from `spend`.
 */
export async function fetchFollowing(request: NetworkRequest): Promise<NetworkAnswer> {
  const asked = request.url.href;
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  try {
    return await follow(request, signal);
  } catch (error) {
    if (error instanceof RemoteFetchError) throw error;
    if (signal.aborted) throw new RemoteFetchError(asked, 'timeout', `${asked} did not answer within ${FETCH_TIMEOUT_MS / 1000} s.`);
    throw new RemoteFetchError(
      asked,
      'unreachable',
      `${asked} could not be reached: ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
}
