/** @module Telling a database outage (unavailable: retry later) apart from a bug. */
import { DomainError } from '../lib/errors.ts';

/** SQLSTATE classes that mean "the server cannot serve you now": connection, resources, operator intervention. */
const OUTAGE_CLASSES = ['08', '53', '57'];

export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The SQLSTATE of a database error, looking through Drizzle's wrapper (`cause`); undefined for a network failure. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/**
 * Whether the database never answered (a timeout, a connection lost mid-request): the statement
 * may have committed. An error answer (a SQLSTATE, an HTTP error status) means it did not.
 */
export function replyLost(error: unknown): boolean {
  for (
    let e = error as { name?: unknown; message?: unknown; cause?: unknown; sourceError?: unknown } | undefined;
    e;
    e = (e.cause ?? e.sourceError) as typeof e
  ) {
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
    if (typeof e.message === 'string' && e.message.startsWith('Error connecting to database')) return true;
  }
  return false;
}

/** The constraint a database error names (Postgres reports it with a violation), looking through wrappers. */
export function constraintOf(error: unknown): string | undefined {
  for (let e = error as { constraint?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.constraint === 'string') return e.constraint;
  }
  return undefined;
}

/** Rethrows a database failure as `unavailable` when it is an outage (network, timeout, server down), unchanged otherwise. */
export function asOutage(error: unknown): never {
  const code = sqlState(error);
  if (code === undefined || OUTAGE_CLASSES.includes(code.slice(0, 2))) {
    console.warn(`database unavailable: ${(error as Error).message}`);
    throw new DomainError(
      'unavailable',
      'database_unavailable',
      'The database cannot be reached; try again shortly.',
      DATABASE_RETRY_AFTER_SECONDS,
    );
  }
  throw error;
}
