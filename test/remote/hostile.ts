/**
 * The remote fetcher as verification uses it, against the misbehaving host (`dev/hostile-origin.ts`,
 * reached as REMOTE_HOSTILE_HOST): `isolate(overrides)` is one isolate's fetcher and tiers,
 * `session()` one verification in it; URLs are unique per test (a nonce), and their Redis copies
 * are removed by `forgetRemoteCopies()`.
 */
import { env } from 'cloudflare:workers';
import { remoteDocumentKey } from '../../src/cache/keys.ts';
import { newDataScope } from '../../src/data/scope.ts';
import { parseConfig } from '../../src/platform/config.ts';
import { depsFor } from '../../src/platform/deps.ts';
import { openRemoteSession } from '../../src/remote/session.ts';
import type { RemoteAccept } from '../../src/remote/types.ts';

const HOST = env.REMOTE_HOSTILE_HOST;
/** Where the hostile host really listens (its REMOTE_FETCH_HOSTS target): for its hit counters. */
const ORIGIN = parseConfig(env).remote.hosts.get(HOST)!;

const asked = new Set<string>();

/** `https://hostile.example{path}`, made unique with a nonce so no other test (or run) shares its cache entries. */
export function hostileUrl(path: string): string {
  const url = `https://${HOST}${path}${path.includes('?') ? '&' : '?'}nonce=${crypto.randomUUID().slice(0, 8)}`;
  asked.add(url);
  return url;
}

/** How often the hostile host was asked for `url` (its path and query), answered 304, and how many body bytes it sent. */
export async function hitsOf(url: string): Promise<{ hits: number; notModified: number; bytesSent: number }> {
  const { pathname, search } = new URL(url);
  return (await fetch(`${ORIGIN}/hits?path=${encodeURIComponent(pathname + search)}`)).json();
}

/** One isolate (its own fetcher, L1 and configuration; Redis shared) with `overrides` on the test bindings. */
export function isolate(overrides: Partial<Cloudflare.Env> = {}) {
  const deps = depsFor({ ...env, ...overrides });
  return {
    deps,
    /** One verification's session, its scope, and a promise for its background work (the Redis writes). */
    session() {
      const background: Promise<unknown>[] = [];
      const scope = newDataScope(deps, (work) => background.push(work));
      return { session: openRemoteSession(scope), scope, settled: () => Promise.all(background) };
    },
  };
}

/** The document at `url` from a fresh session of `where`, with that session's trace and sources (after its background work). */
export async function fetchOnce(
  where: ReturnType<typeof isolate>,
  url: string,
  kind: 'definition' | 'status' = 'definition',
  accept?: RemoteAccept,
) {
  const { session, scope, settled } = where.session();
  const document = await session.fetchDocument(url, kind, accept).catch((error: unknown) => error);
  await settled();
  return { document, trace: scope.cache, source: session.sources[0]! };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deletes the Redis copies of every URL `hostileUrl` made. */
export async function forgetRemoteCopies() {
  const keys = [...asked].flatMap((url) => (['json', 'json-or-jwt'] as const).map((accept) => remoteDocumentKey(accept, url)));
  asked.clear();
  if (keys.length) await depsFor(env).redisClient?.del(...keys);
}
