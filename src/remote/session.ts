/**
 * @module One verification's use of the safe fetcher (`fetcher.ts`): a budget of network
 * requests and a deadline shared by every remote document it needs, and the list of those
 * documents for its report. Each document is had once per session, however often it is asked for.
 */
import { type ListBit, statusListReader } from '../credentials/status-list.ts';
import type { DataScope } from '../data/scope.ts';
import type { Failed, Fetched } from './fetcher.ts';
import { remoteStoreOf } from './store.ts';
import { type RemoteAccept, type RemoteDocument, RemoteFetchError, type RemoteKind, type RemoteSession, type Source } from './types.ts';

/** Network requests per verification, redirect hops included (cache hits are free). */
export const MAX_REMOTE_REQUESTS = 20;
/**
 * Network requests per client request, however many verifications it holds (a batch): with the
 * remote documents' Redis calls (store.ts MAX_REDIS_CALLS_PER_REQUEST) a request stays under the
 * 50 subrequests a Workers Free plan request may make, and one client cannot make this Worker send
 * thousands of requests to an origin.
 */
export const MAX_REMOTE_REQUESTS_PER_REQUEST = 30;
/** Other issuers' status lists, read once per client request within one list's decompressed bytes. */
const listReaders = new WeakMap<DataScope, (encodedList: string, position: number) => Promise<ListBit>>();

/** All of one verification's remote documents, however many: a client waits for its answer. */
export const SESSION_DEADLINE_MS = 8_000;

/**
 * Opens the session of one verification, in `scope` (its tiers, its trace).
 *
 * @example
 * const session = openRemoteSession(scope);
 * const profile = await session.fetchDocument(issuerUrl, 'definition');
 * report.sources = session.sources;
 */
export function openRemoteSession(scope: DataScope): RemoteSession {
  const store = remoteStoreOf(scope);
  const deadline = Date.now() + SESSION_DEADLINE_MS;
  let requests = 0;
  const asked = new Map<string, Promise<RemoteDocument>>();
  /** URLs in the order first asked. */
  const order = new Set<string>();
  const outcomes = new Map<string, Source>();

  const spend = (url: string) => {
    if (requests >= MAX_REMOTE_REQUESTS)
      throw new RemoteFetchError(url, 'over_budget', `This verification used its ${MAX_REMOTE_REQUESTS} requests for remote documents.`);
    if (scope.cache.remoteFetches >= MAX_REMOTE_REQUESTS_PER_REQUEST)
      throw new RemoteFetchError(
        url,
        'over_budget',
        `This request used its ${MAX_REMOTE_REQUESTS_PER_REQUEST} requests for remote documents (send fewer items per batch).`,
      );
    requests++;
    scope.cache.remoteFetches++;
  };

  /** The fetcher's answer, or a timeout once the session's deadline passes (the load goes on for whoever shares it). */
  function withinDeadline(url: string, load: () => Promise<Fetched | Failed>): Promise<Fetched | Failed> {
    const expired = (): Failed => ({
      from: 'network',
      error: new RemoteFetchError(url, 'timeout', `This verification's ${SESSION_DEADLINE_MS / 1000} s for remote documents ran out.`),
    });
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve(expired());
    let timer: ReturnType<typeof setTimeout> | null = null;
    const timeout = new Promise<Failed>((resolve) => {
      timer = setTimeout(() => resolve(expired()), left);
    });
    return Promise.race([load(), timeout]).finally(() => clearTimeout(timer));
  }

  async function ask(url: string, kind: RemoteKind, accept: RemoteAccept) {
    const outcome = await withinDeadline(url, () => scope.deps.remote.get(url, kind, accept, { store, spend }));
    if ('error' in outcome) {
      outcomes.set(url, { url, kind, from: outcome.from, error: { code: outcome.error.code, message: outcome.error.message } });
      throw outcome.error;
    }
    const { from, document, ageSeconds, freshForSeconds } = outcome;
    outcomes.set(url, { url, kind, from, status: document.status, ageSeconds, freshForSeconds });
    return document;
  }

  let readList = listReaders.get(scope);
  if (!readList) {
    readList = statusListReader();
    listReaders.set(scope, readList);
  }

  return {
    readStatusBit: readList,
    fetchDocument(url, kind, accept = 'json') {
      const key = `${kind} ${accept} ${url}`;
      let pending = asked.get(key);
      if (!pending) {
        order.add(url);
        pending = ask(url, kind, accept);
        asked.set(key, pending);
      }
      return pending;
    },
    get sources() {
      return [...order].flatMap((url) => outcomes.get(url) ?? []);
    },
  };
}
