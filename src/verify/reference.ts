/**
 * @module What a verifier holds, turned into a verification request: an id, one of our assertion
 * URLs, an assertion document, or the payload baked into an image. Anything that cannot name one
 * of our assertions is refused before the database.
 */
import { DomainError } from '../lib/errors.ts';
import { isPublicId } from '../lib/ids.ts';
import { extractBaked } from '../openbadges/baking/index.ts';
import type { RecipientClaim } from '../openbadges/recipient.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import type { VerificationRequest } from './hosted.ts';
import { checkJsonComplexity } from './json-limit.ts';

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

/** What a verifier asks about: one of our OB 2.0 assertions, or an OB 3.0 credential it holds. */
export type Verifiable =
  | { kind: 'assertion'; request: VerificationRequest }
  | { kind: 'credential'; credential: unknown; recipient: RecipientClaim | undefined };

function parseBakedJson(payload: string, what: string): unknown {
  checkJsonComplexity(payload, `baked ${what}`);
  try {
    return JSON.parse(payload);
  } catch {
    throw new DomainError('invalid_value', 'baked_json_invalid', `The baked ${what} is neither a URL nor valid JSON.`);
  }
}

/** A baked image's payload: an OB 2.0 assertion (a URL, or a document as JSON) or an OB 3.0 credential (JSON). */
export function verifiableFromBakedImage(bytes: Uint8Array, urls: PublicUrls, recipient: VerificationRequest['recipient']): Verifiable {
  if (bytes.length === 0) throw new DomainError('malformed', 'empty_upload', 'The uploaded image is empty.');
  const baked = extractBaked(bytes);
  if (baked.kind === 'credential') return { kind: 'credential', credential: parseBakedJson(baked.text.trim(), 'credential'), recipient };
  return { kind: 'assertion', request: requestFromBakedAssertion(baked.text.trim(), urls, recipient) };
}

function requestFromBakedAssertion(payload: string, urls: PublicUrls, recipient: VerificationRequest['recipient']): VerificationRequest {
  if (!payload.startsWith('{')) return { id: assertionIdFrom(payload, urls), recipient };
  const document = parseBakedJson(payload, 'assertion');
  const id = (document as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id.length > 2048) {
    throw new DomainError('invalid_value', 'baked_json_invalid', 'The baked assertion document has no id.');
  }
  return requestFromDocument(document as { id: string }, urls, recipient);
}
