/**
 * @module The "remote issuers" fixtures: documents of made-up issuers on made-up hosts, signed with
 * the real libraries, served by `server.ts` (one local port per host; `REMOTE_FETCH_HOSTS` sends
 * the Worker's requests for each host there).
 */

/** One answer of a fixture host. */
export type Served = { status?: number; contentType: string; body: string | Uint8Array; headers?: Record<string, string> };

/** A made-up host (e.g. `ob2-hosted.example`) and its documents by path (query included, if any). */
export type FixtureHost = { host: string; documents: Map<string, Served> };

/** One thing a verifier might hold, and the verdict the specifications give it. */
export type FixtureCase = {
  name: string;
  /** What it is, for people. */
  about: string;
  /** A `POST /verify` JSON body, e.g. `{ assertion: url }` or `{ credential }`. */
  body: unknown;
  /** The report's `status`. */
  expect: 'valid' | 'revoked' | 'suspended' | 'expired' | 'not_yet_valid' | 'not_found' | 'invalid' | 'unverifiable';
};

/** A family of fixtures: its hosts, its cases, and changes a test may make (e.g. revoke a case) by name. */
export type FixtureSet = {
  hosts: FixtureHost[];
  cases: FixtureCase[];
  actions: Record<string, () => Promise<void> | void>;
};
