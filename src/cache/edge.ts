/**
 * @module The edge tier: whole public GET responses in the Cache API of this data centre, with
 * stale-while-revalidate done here (the Cache API has none): a stale entry is served at once and
 * refreshed in the background, one refresh per key at a time in this isolate. `cache.delete`
 * only reaches this data centre, so elsewhere an entry's lifetime bounds its staleness.
 */

/** How long an entry is fresh, then how long it may still be served while it is refreshed. */
export type EdgeFreshness = { freshSeconds: number; staleSeconds: number };

export type EdgeResult = { response: Response; state: 'fresh' | 'stale' | 'miss' };

const STORED_AT = 'x-edge-stored-at';
const FRESH_FOR = 'x-edge-fresh-seconds';
/** The Cache API reads Cache-Control for its own lifetime; the downstream value waits here. */
const DOWNSTREAM_CACHE_CONTROL = 'x-edge-cache-control';

type Store = Pick<Cache, 'match' | 'put' | 'delete'>;

export class EdgeCache {
  readonly #refreshing = new Set<string>();
  /** Bumped by local invalidations, so a refresh that began before one does not store old data. */
  #generation = 0;
  /** Entries stored before this instant are misses here: responses derived from a definition this isolate changed. */
  #notBefore = 0;

  constructor(readonly store: Store) {}

  /**
   * The cached response for `key` (fresh or stale), or `render()`'s, stored when cacheable.
   * `render` must be safe to run in the background (it gets its own request context).
   */
  async serve(key: string, freshness: EdgeFreshness, render: () => Promise<Response>, waitUntil: (work: Promise<unknown>) => void): Promise<EdgeResult> {
    const cached = await this.store.match(key).catch(() => undefined);
    const storedAt = Number(cached?.headers.get(STORED_AT));
    if (cached && storedAt >= this.#notBefore) {
      const age = (Date.now() - storedAt) / 1000;
      const fresh = Number(cached.headers.get(FRESH_FOR));
      if (age < fresh) return { response: cleaned(cached), state: 'fresh' };
      if (!this.#refreshing.has(key)) {
        this.#refreshing.add(key);
        waitUntil(this.#renderAndStore(key, freshness, render).finally(() => this.#refreshing.delete(key)));
      }
      return { response: cleaned(cached), state: 'stale' };
    }
    const generation = this.#generation; // taken before rendering: a write during it must win
    const startedAt = Date.now();
    const response = await render();
    if (cacheable(response)) waitUntil(this.#store(key, freshness, response.clone(), generation, startedAt));
    return { response, state: 'miss' };
  }

  /** Deletes `keys` in this data centre; `everything` also disowns every older entry in this isolate. */
  async delete(keys: readonly string[], everything = false): Promise<void> {
    this.#generation++;
    if (everything) this.#notBefore = Date.now();
    await Promise.all(keys.map((key) => this.store.delete(key).catch(() => false)));
  }

  async #renderAndStore(key: string, freshness: EdgeFreshness, render: () => Promise<Response>) {
    const generation = this.#generation;
    const startedAt = Date.now();
    const response = await render().catch(() => undefined);
    if (response && cacheable(response)) await this.#store(key, freshness, response, generation, startedAt);
  }

  /** `renderedFrom`: when the data behind `response` began to be read; the entry's age counts from then. */
  async #store(key: string, freshness: EdgeFreshness, response: Response, generation: number, renderedFrom: number) {
    if (generation !== this.#generation) return;
    const headers = new Headers(response.headers);
    headers.set(STORED_AT, String(renderedFrom));
    headers.set(FRESH_FOR, String(freshness.freshSeconds));
    headers.set(DOWNSTREAM_CACHE_CONTROL, response.headers.get('cache-control') ?? '');
    // The Cache API keeps an entry for its max-age: fresh plus stale window.
    headers.set('cache-control', `public, max-age=${freshness.freshSeconds + freshness.staleSeconds}`);
    headers.delete('set-cookie');
    const body = await response.arrayBuffer();
    await this.store.put(key, new Response(body, { status: response.status, headers })).catch(() => undefined);
  }
}

/** Only answers that are the same for everyone and not errors are stored. */
function cacheable(response: Response): boolean {
  return (response.status === 200 || response.status === 410) && !/private|no-store/.test(response.headers.get('cache-control') ?? '');
}

/** The stored response without the tier's bookkeeping, and with the downstream headers it was stored with. */
function cleaned(cached: Response): Response {
  const response = new Response(cached.body, cached);
  response.headers.set('cache-control', response.headers.get(DOWNSTREAM_CACHE_CONTROL) ?? 'no-store');
  for (const name of [STORED_AT, FRESH_FOR, DOWNSTREAM_CACHE_CONTROL]) response.headers.delete(name);
  return response;
}
