/**
 * @module One error path: thrown problems and domain errors, rendered as RFC 9457 problem+json in
 * `app.onError`. The only place a domain error's kind becomes an HTTP status.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { NO_STORE } from '../edge/headers.ts';
import { DomainError, type ErrorKind } from '../lib/errors.ts';
import { ConfigError } from '../platform/config.ts';

/** A machine-readable reason: the `code` field of the body and the last segment of `type`. */
export type ProblemCode = string;

export class Problem extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message: detail });
  }
}

export const notFound = (what: string) => new Problem(404, 'not_found', `No ${what} with this id.`);

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemResponse(status: number, code: ProblemCode, detail: string, headers: Record<string, string> = {}) {
  const body = { type: `/problems/${code}`, title: TITLES[status] ?? 'Error', status, code, detail };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': NO_STORE, ...headers },
  });
}

const STATUS_OF: Record<ErrorKind, ContentfulStatusCode> = {
  malformed: 400,
  forbidden: 403,
  not_found: 404,
  gone: 410,
  already_exists: 409,
  unknown_reference: 422,
  invalid_value: 422,
  unavailable: 503,
};

/** The problem a domain error is to a client. */
export function problemOf(error: DomainError): Problem {
  const headers: Record<string, string> = error.retryAfterSeconds ? { 'retry-after': String(error.retryAfterSeconds) } : {};
  return new Problem(STATUS_OF[error.kind], error.code, error.message, headers);
}

export function renderProblem(error: Error, c: Context): Response {
  if (error instanceof DomainError) error = problemOf(error);
  if (error instanceof Problem) {
    // A cached answer's 404 (see `withCachePolicy`) is briefly cacheable and tagged, so the write that creates the record purges it.
    const notFound = error.status === 404 ? (c.get('notFoundHeaders') as Record<string, string> | undefined) : undefined;
    return problemResponse(error.status, error.code, error.detail, { ...error.headers, ...notFound });
  }
  if (error instanceof HTTPException) {
    // hono's own middleware (bearer auth): keep its status and its WWW-Authenticate challenge.
    const challenge = error.getResponse().headers.get('www-authenticate');
    // A malformed Bearer credential is RFC 6750's `invalid_request` (400); hono's validators answer 400 for unreadable bodies.
    const code =
      error.status === 401
        ? 'unauthorized'
        : error.status === 400
          ? challenge
            ? 'invalid_request'
            : 'invalid_body'
          : error.status === 415
            ? 'unsupported_media_type'
            : 'http_error';
    return problemResponse(
      error.status,
      code,
      error.message || TITLES[error.status] || 'Error',
      challenge ? { 'www-authenticate': challenge } : {},
    );
  }
  if (error instanceof ConfigError) {
    console.error(error.message);
    return problemResponse(500, 'misconfigured', error.message);
  }
  console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, error);
  return problemResponse(500, 'internal_error', 'The request failed unexpectedly.');
}
