/** @module Telling a database outage (unavailable: retry later) apart from a bug. */
import { DomainError } from '../errors.ts';

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
