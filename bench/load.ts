/**
 * @module One load run with autocannon, in its own process (so the load generator does not
 * share an event loop with the local stack). Reads a JSON spec from argv, prints a JSON result.
 */
import autocannon from 'autocannon';

export type LoadSpec = {
  url: string;
  method?: 'GET' | 'POST';
  /** Path; `{id}` becomes a random id from `ids`. */
  path: string;
  /** Ids `${prefix}${n}` with n in 1..count, zero-padded to `width`. */
  ids?: { prefix: string; width: number; count: number };
  /** For POST: a body template; `{ids:N}` becomes N random ids. */
  batchSize?: number;
  /** For POST: a fixed JSON body in which the string `{id}` becomes a random id from `ids` (instead of `batchSize`). */
  body?: string;
  /** Sent with every request, besides Accept-Encoding. */
  headers?: Record<string, string>;
  connections: number;
  duration?: number;
  amount?: number;
};

export type LoadResult = { requests: number; rps: number; p50: number; p99: number; errors: number; non2xx: number };

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const pick = () => {
  const { prefix, width, count } = spec.ids!;
  return prefix + String(1 + Math.floor(Math.random() * count)).padStart(width, '0');
};

// What fetch() and browsers send; autocannon counts the bytes it gets and decodes nothing.
const NEGOTIATES = { 'accept-encoding': 'gzip, deflate, br' };

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration ?? 5 }),
  timeout: 30,
  requests: [
    {
      method: spec.method ?? 'GET',
      setupRequest: (request: autocannon.Request) => ({
        ...request,
        path: spec.path.replace('{id}', () => (spec.ids ? pick() : '')),
        headers: { ...NEGOTIATES, ...spec.headers, ...((spec.batchSize || spec.body) && { 'content-type': 'application/json' }) },
        ...(spec.batchSize && { body: JSON.stringify({ ids: Array.from({ length: spec.batchSize }, pick) }) }),
        ...(spec.body && { body: spec.body.replace('{id}', () => (spec.ids ? pick() : '')) }),
      }),
    },
  ],
});

const out: LoadResult = {
  requests: result.requests.total,
  rps: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
};
console.log(JSON.stringify(out));
