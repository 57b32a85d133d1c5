/**
 * @module The one safe fetcher, the only way the Worker reaches the internet; one per isolate
 * (`platform/deps.ts`). A document is taken from L1 or Redis while fresh (no request), else
 * fetched (`network.ts`) with the kept copy's validators, so a 304 renews it. Concurrent sessions
 * needing one document share one load, and a failure is remembered briefly: a verification
 * retried at once, or many naming one broken issuer, do not hammer its origin. A definition whose
 * origin fails (timeout, unreachable, 5xx) is served from its kept copy up to a week past its
 * freshness; a status document never is.
 */
import CachePolicy from 'http-cache-semantics';
import { Coalescer } from '../cache/coalesce.ts';
import { remoteDocumentKey } from '../cache/keys.ts';
import { MemoryCache } from '../cache/memory.ts';
import type { Config } from '../platform/config.ts';
import { checkRemoteUrl } from './address.ts';
import { boundOf, cacheHeadersOf, freshnessOf, type PolicyRequest, policyOf } from './freshness.ts';
import { ACCEPT_HEADER } from './media.ts';
import { BadStatusError, FETCH_TIMEOUT_MS, fetchFollowing } from './network.ts';
import { type RemoteAccept, type RemoteDocument, RemoteFetchError, type RemoteKind, type Source } from './types.ts';

/** A document and where it came from, with its age and lifetime in whole seconds (as `Source` lists them). */
export type Fetched = { from: Source['from']; document: RemoteDocument; ageSeconds: number; freshForSeconds: number };
/** Why a document could not be had: `cache` when a remembered failure answered (no request). */
export type Failed = { from: 'cache' | 'network'; error: RemoteFetchError };

/** A document with the caching policy of its answer (`CachePolicy.toObject()`). */
export type StoredDocument = { document: RemoteDocument; policy: CachePolicy.CachePolicyObject };

/** What the fetcher needs of the tiers, for one session's scope (`store.ts` provides it). */
export type RemoteStore = {
  /** The copy in L1, if any: kept no longer than it was fresh for. */
  inMemory(key: string): StoredDocument | undefined;
  /** The copy in Redis, fresh or not; undefined when absent, unreadable, or Redis is off or failed. */
  inRedis(key: string): Promise<StoredDocument | undefined>;
  /** Keeps `stored` in L1 for `freshForMs`, and, given `redisSeconds`, in Redis (in the background). */
  keep(key: string, stored: StoredDocument, freshForMs: number, redisSeconds?: number): void;
};

/** What a load needs from the session it runs for. */
export type LoadContext = {
  store: RemoteStore;
  /** Takes one network request from the session's budget; throws `over_budget` (for `url`) when none is left. */
  spend(url: string): void;
};

type Ask = { url: URL; kind: RemoteKind; accept: RemoteAccept };

/** A failure, and for a definition the copy served meanwhile. */
type Remembered = { error: RemoteFetchError; stale: StoredDocument | undefined };

/** Long enough that one verification, or a burst naming one broken issuer, asks once; short enough that a fixed origin is seen soon. */
const FAILURE_MEMORY_MS = 10_000;
const MAX_REMEMBERED_FAILURES = 1_000;
/** How long past its freshness a definition may be served while its origin fails; Redis keeps every copy that long (status copies for revalidation). */
const STALE_IF_ERROR_SECONDS = 7 * 86_400;

/** Failures of the origin itself; a document that is too large or of the wrong type is no reason to serve an older one. */
const originFailed = (error: RemoteFetchError) =>
  error.code === 'timeout' || error.code === 'unreachable' || (error instanceof BadStatusError && error.status >= 500);

export class RemoteFetcher {
  /** A load in flight is at most one fetch timeout old (plus a Redis read): joining it is as good as starting one. */
  readonly #inFlight = new Coalescer();
  readonly #failures = new MemoryCache({ maxEntries: MAX_REMEMBERED_FAILURES, maxBytes: MAX_REMEMBERED_FAILURES });
  readonly #headers: Record<RemoteAccept, Record<string, string>>;

  constructor(
    readonly config: Config['remote'],
    /** `badge-verify/0.1 (+PUBLIC_BASE_URL)`: tells an issuer who is asking. */
    userAgent: string,
  ) {
    this.#headers = {
      json: { accept: ACCEPT_HEADER.json, 'user-agent': userAgent },
      'json-or-jwt': { accept: ACCEPT_HEADER['json-or-jwt'], 'user-agent': userAgent },
    };
  }

  /** The document at `url`, or why it could not be had; only a bug throws. */
  async get(url: string, kind: RemoteKind, accept: RemoteAccept, context: LoadContext): Promise<Fetched | Failed> {
    try {
      const ask = { url: checkRemoteUrl(url, url, this.config), kind, accept };
      const key = remoteDocumentKey(accept, ask.url.href);
      const near = context.store.inMemory(key);
      if (near && this.#freshness(near, ask).fresh) return this.#served('cache', near, ask);
      const failed = this.#failures.lookup<Remembered>(key)?.value;
      if (failed)
        return kind === 'definition' && failed.stale ? this.#served('stale', failed.stale, ask) : { from: 'cache', error: failed.error };
      return await this.#shared(key, ask, context);
    } catch (error) {
      if (error instanceof RemoteFetchError) return { from: 'network', error };
      throw error;
    }
  }

  /** One load per document and kind in this isolate (a status asker must not get a copy only fresh enough for a definition). */
  async #shared(key: string, ask: Ask, context: LoadContext): Promise<Fetched> {
    let owned = false;
    try {
      return await this.#inFlight.run(
        `${ask.kind} ${key}`,
        () => {
          owned = true;
          return this.#load(key, ask, context);
        },
        FETCH_TIMEOUT_MS,
      );
    } catch (error) {
      // The session that started the load ran out of requests: this one's own budget decides.
      if (!owned && error instanceof RemoteFetchError && error.code === 'over_budget') return this.#shared(key, ask, context);
      throw error;
    }
  }

  async #load(key: string, ask: Ask, context: LoadContext): Promise<Fetched> {
    const kept = await context.store.inRedis(key);
    if (kept) {
      const freshness = this.#freshness(kept, ask);
      if (freshness.fresh) {
        context.store.keep(key, kept, (freshness.freshForSeconds - freshness.ageSeconds) * 1000);
        return this.#served('cache', kept, ask);
      }
    }
    try {
      return await this.#fetch(key, ask, kept, context);
    } catch (error) {
      if (!(error instanceof RemoteFetchError) || error.code === 'over_budget') throw error;
      const stale = ask.kind === 'definition' && kept && originFailed(error) && this.#withinStaleWindow(kept, ask) ? kept : undefined;
      this.#failures.set(key, { error, stale } satisfies Remembered, Date.now(), FAILURE_MEMORY_MS, 1);
      if (stale) return this.#served('stale', stale, ask);
      throw error;
    }
  }

  async #fetch(key: string, ask: Ask, kept: StoredDocument | undefined, context: LoadContext): Promise<Fetched> {
    const request = this.#request(ask);
    const keptPolicy = kept && CachePolicy.fromObject(kept.policy);
    const headers = keptPolicy ? stringsOnly(keptPolicy.revalidationHeaders(request)) : request.headers;
    const conditional = Object.keys(headers).some((name) => /^if-(none-match|modified-since)$/i.test(name));
    const answer = await fetchFollowing({
      url: ask.url,
      accept: ask.accept,
      headers,
      rules: this.config,
      spend: () => context.spend(ask.url.href),
    });
    if (answer.status === 304) {
      // Only a conditional request may be answered 304: one that sent no validator renews nothing.
      if (!kept || !keptPolicy || !conditional) throw new BadStatusError(ask.url.href, 304);
      const { policy, matches } = keptPolicy.revalidatedPolicy(request, { status: 304, headers: cacheHeadersOf(answer.headers) });
      // A 304 whose validators are not the kept copy's does not renew it (RFC 9111 §4.3.4): asked again, unconditionally.
      if (!matches) return this.#fetch(key, ask, undefined, context);
      return this.#keep(key, { document: kept.document, policy: policy.toObject() }, ask, 'revalidated', context);
    }
    const { status, contentType, body } = answer;
    const document: RemoteDocument = { url: ask.url.href, finalUrl: answer.finalUrl.href, status, contentType, body };
    const policy = policyOf(request, status, answer.headers, boundOf(ask.kind, status, this.config));
    // A 404 may be an issuer's passing mistake, and says nothing a verdict should hold on to: it is asked again next time.
    if (status === 404 || !policy.storable()) return { from: 'network', document, ageSeconds: 0, freshForSeconds: 0 };
    return this.#keep(key, { document, policy: policy.toObject() }, ask, 'network', context);
  }

  /** Keeps a copy from the network: in L1 while fresh, in Redis past that for revalidation and stale-if-error. */
  #keep(key: string, stored: StoredDocument, ask: Ask, from: 'network' | 'revalidated', context: LoadContext): Fetched {
    const { ageSeconds, freshForSeconds } = this.#freshness(stored, ask);
    const freshLeft = Math.max(0, freshForSeconds - ageSeconds);
    context.store.keep(key, stored, freshLeft * 1000, freshLeft + STALE_IF_ERROR_SECONDS);
    return this.#served(from, stored, ask);
  }

  #withinStaleWindow(kept: StoredDocument, ask: Ask): boolean {
    const { ageSeconds, freshForSeconds } = this.#freshness(kept, ask);
    return ageSeconds <= freshForSeconds + STALE_IF_ERROR_SECONDS;
  }

  #request(ask: Ask): PolicyRequest {
    return { url: ask.url.href, method: 'GET', headers: this.#headers[ask.accept] };
  }

  #freshness(stored: StoredDocument, ask: Ask) {
    const bound = boundOf(ask.kind, stored.document.status, this.config);
    return freshnessOf(CachePolicy.fromObject(stored.policy), this.#request(ask), bound);
  }

  #served(from: Fetched['from'], stored: StoredDocument, ask: Ask): Fetched {
    const { ageSeconds, freshForSeconds } = this.#freshness(stored, ask);
    return { from, document: stored.document, ageSeconds: Math.floor(ageSeconds), freshForSeconds: Math.floor(freshForSeconds) };
  }
}

/** Headers as `fetch` takes them (the policy's type allows arrays and gaps, which our own requests never have). */
function stringsOnly(headers: CachePolicy.Headers): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
