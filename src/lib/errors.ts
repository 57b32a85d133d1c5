/**
 * @module What can go wrong below the routes, in the domain's words. Data access and verification
 * throw these; `problem.ts` maps them to problem+json in one place, so no layer below the routes
 * knows about HTTP.
 */

/** The kinds a caller can act on: the status follows from the kind, the `code` names the case. */
export type ErrorKind =
  | 'malformed'
  | 'forbidden'
  | 'not_found'
  | 'gone'
  | 'already_exists'
  | 'unknown_reference'
  | 'invalid_value'
  | 'unavailable';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: ErrorKind,
    /** Machine-readable, e.g. `already_exists` or `png_bad_crc`; the kind's own name unless more precise. */
    readonly code: string,
    message: string,
    /** For `unavailable`: when trying again makes sense. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
