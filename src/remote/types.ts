/**
 * @module What verification gets from the internet: one session per verification, through the one
 * safe fetcher (`fetcher.ts`), with every remote document it used listed as a source.
 */
import type { ListBit } from '../credentials/status-list.ts';

/**
 * How long a remote document may be kept: `definition` (issuer profiles, badge classes, keys, DID
 * documents, JSON-LD contexts) at most REMOTE_DEFINITION_TTL_SECONDS and served stale when its
 * origin fails; `status` (anything that carries revocation: a hosted OB 2.0 assertion, a
 * RevocationList, a status list credential) at most REMOTE_STATUS_TTL_SECONDS and never stale.
 */
export type RemoteKind = 'definition' | 'status';

/** What a document may be: JSON (`application/json`, `application/ld+json`, any `+json`), or JSON or a compact JWT. */
export type RemoteAccept = 'json' | 'json-or-jwt';

/** A remote answer a verdict can use: 200, or the 404 / 410 an OB 2.0 host gives for a missing or revoked assertion. */
export type RemoteDocument = {
  /** The URL asked for. */
  url: string;
  /** Where the answer came from after redirects. */
  finalUrl: string;
  status: 200 | 404 | 410;
  /** Media type, lower case, without parameters. */
  contentType: string;
  body: string;
};

/** Why a remote document could not be had; stable machine codes. */
export type RemoteFailure =
  | 'refused_url'
  | 'timeout'
  | 'too_large'
  | 'bad_status'
  | 'bad_content_type'
  | 'too_many_redirects'
  | 'over_budget'
  | 'unreachable';

export class RemoteFetchError extends Error {
  override name = 'RemoteFetchError';
  constructor(
    readonly url: string,
    readonly code: RemoteFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A failure that says the document could not be had now; a refused URL can never be had, so it is no dependency that failed. */
export const isUnavailable = (error: unknown): error is RemoteFetchError =>
  error instanceof RemoteFetchError && error.code !== 'refused_url';

/** One remote document a verification used (or failed to get), as the report lists it. */
export type Source = {
  url: string;
  kind: RemoteKind;
  /**
   * cache: fresh in L1 or Redis; network: fetched; revalidated: a 304 renewed the kept copy; stale: kept copy served because the
   * origin failed (definitions only). For a failure: cache when a failure remembered from moments ago answered (no request), else network.
   */
  from: 'cache' | 'network' | 'revalidated' | 'stale';
  status?: number;
  /** Seconds since the origin produced the answer (its Age included). */
  ageSeconds?: number;
  /** How long it may be used from its fetch: its headers' freshness, clamped by our bound for its kind. */
  freshForSeconds?: number;
  /** Set when it could not be had. */
  error?: { code: RemoteFailure; message: string };
};

/** The fetcher as one verification sees it: a budget of fetches and time shared by everything it needs. */
export interface RemoteSession {
  /** Throws `RemoteFetchError`; a 404 or 410 is an answer, not an error. */
  fetchDocument(url: string, kind: RemoteKind, accept?: RemoteAccept): Promise<RemoteDocument>;
  /** Every document asked for, in the order first asked, once each. */
  readonly sources: readonly Source[];
  /** A bit of a status list fetched here, each list decompressed once per client request, within one large list's bytes in all. */
  readStatusBit(encodedList: string, position: number): Promise<ListBit>;
}
