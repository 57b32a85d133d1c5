/**
 * @module What a verifier holds, turned into a verification request: an id, one of our assertion
 * URLs, an assertion document, or the payload baked into an image. Anything that cannot name one
 * of our assertions is refused before the database.
 */
import { DomainError } from '../errors.ts';
import { isPublicId } from '../ids.ts';
import { extractBakedAssertion } from '../openbadges/baking/index.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import type { VerificationRequest } from './verify.ts';

/** An id, or the id inside one of our assertion URLs. */
export function assertionIdFrom(reference: string, urls: PublicUrls): string {
  if (isPublicId(reference)) return reference;
  if (/^https?:\/\//.test(reference)) {
    const id = urls.assertionIdOf(reference);
    if (id) return id;
    throw new DomainError('invalid_value', 'not_hosted_here', 'Only assertions hosted by this service can be verified here.');
  }
  throw new DomainError('malformed', 'malformed_id', 'The assertion reference is neither an id nor an assertion URL.');
}

/** A supplied assertion document: the request for its id, with the document to compare. */
export function requestFromDocument(
  document: { id: string } & Record<string, unknown>,
  urls: PublicUrls,
  recipient: VerificationRequest['recipient'],
): VerificationRequest {
  return { id: assertionIdFrom(document.id, urls), recipient, supplied: document };
}

/** A baked image's payload (a URL, or an assertion document as JSON) as a request. */
export function requestFromBakedImage(
  bytes: Uint8Array,
  urls: PublicUrls,
  recipient: VerificationRequest['recipient'],
): VerificationRequest {
  if (bytes.length === 0) throw new DomainError('malformed', 'empty_upload', 'The uploaded image is empty.');
  const payload = extractBakedAssertion(bytes).trim();
  if (!payload.startsWith('{')) return { id: assertionIdFrom(payload, urls), recipient };
  let document: unknown;
  try {
    document = JSON.parse(payload);
  } catch {
    throw new DomainError('invalid_value', 'baked_json_invalid', 'The baked assertion is neither a URL nor valid JSON.');
  }
  const id = (document as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id.length > 2048) {
    throw new DomainError('invalid_value', 'baked_json_invalid', 'The baked assertion document has no id.');
  }
  return requestFromDocument(document as { id: string }, urls, recipient);
}
