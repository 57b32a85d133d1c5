/**
 * @module What a verifier holds, turned into what to verify: one of our assertions (an id, one of
 * our URLs, a document naming one), anyone else's OB 2.0 assertion (its URL, its document, a
 * signed JWS), or a Verifiable Credential (an object, a compact VC-JWT, or the URL it is published
 * at), also as the payload baked into an image. Our own records never go over HTTP to ourselves.
 */
import { isCompactJws } from '../credentials/vc-jwt.ts';
import { DomainError } from '../lib/errors.ts';
import { isPublicId } from '../lib/ids.ts';
import { extractBaked } from '../openbadges/baking/index.ts';
import type { RecipientClaim } from '../openbadges/recipient.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import { checkJsonComplexity } from './json-limit.ts';
import type { VerificationRequest } from './ob2/hosted.ts';
import type { HeldAssertion } from './ob2/remote-assertion.ts';

/** What a verifier asks about. */
export type Verifiable =
  | { kind: 'assertion'; request: VerificationRequest }
  | { kind: 'remote-assertion'; held: HeldAssertion; recipient: RecipientClaim | undefined }
  | { kind: 'credential'; credential: unknown; recipient: RecipientClaim | undefined; publishedAt?: string; ownId?: string };

const isHttpUrl = (text: string) => /^https?:\/\//i.test(text);

/** An id, or the id inside one of our assertion URLs (or credential URLs: the same award); undefined for another host's URL. */
function ownAssertionId(reference: string, urls: PublicUrls): string | undefined {
  if (isPublicId(reference)) return reference;
  if (!isHttpUrl(reference))
    throw new DomainError('malformed', 'malformed_id', 'The assertion reference is neither an id, a URL nor a signed assertion.');
  const record = urls.recordOf(reference);
  if (record === undefined) return undefined;
  if (record?.kind !== 'assertion') throw new DomainError('invalid_value', 'not_an_assertion', 'This URL of ours names no assertion.');
  return record.id;
}

/** An id, one of our assertion URLs, another host's assertion URL, or a compact JWS (a signed OB 2.0 assertion). */
export function verifiableFromReference(reference: string, urls: PublicUrls, recipient: RecipientClaim | undefined): Verifiable {
  const text = reference.trim();
  if (isCompactJws(text) && !isPublicId(text)) return { kind: 'remote-assertion', held: { jws: text }, recipient };
  const id = ownAssertionId(text, urls);
  return id ? { kind: 'assertion', request: { id, recipient } } : { kind: 'remote-assertion', held: { url: text }, recipient };
}

/** A supplied assertion document: compared with ours when it names one of our assertions, else verified where it says it lives. */
export function verifiableFromDocument(
  document: { id: string } & Record<string, unknown>,
  urls: PublicUrls,
  recipient: RecipientClaim | undefined,
): Verifiable {
  const id = isHttpUrl(document.id) ? ownAssertionId(document.id, urls) : undefined;
  if (id) return { kind: 'assertion', request: { id, recipient, supplied: document } };
  if (!isHttpUrl(document.id) && isPublicId(document.id))
    return { kind: 'assertion', request: { id: document.id, recipient, supplied: document } };
  return { kind: 'remote-assertion', held: { document }, recipient };
}

/** A credential: an object, a compact VC-JWT, or a URL (ours is read from our own tiers). */
export function verifiableFromCredential(credential: unknown, urls: PublicUrls, recipient: RecipientClaim | undefined): Verifiable {
  if (typeof credential !== 'string') return { kind: 'credential', credential, recipient };
  const text = credential.trim();
  if (isCompactJws(text)) return { kind: 'credential', credential: text, recipient };
  if (!isHttpUrl(text))
    throw new DomainError('malformed', 'malformed_credential', 'The credential is neither an object, a compact VC-JWT nor a URL.');
  const record = urls.recordOf(text);
  if (record === undefined) return { kind: 'credential', credential: undefined, recipient, publishedAt: text };
  if (record?.kind !== 'assertion') throw new DomainError('invalid_value', 'not_a_credential', 'This URL of ours names no credential.');
  return { kind: 'credential', credential: undefined, recipient, ownId: record.id };
}

function parseBakedJson(payload: string, what: string): unknown {
  checkJsonComplexity(payload, `baked ${what}`);
  try {
    return JSON.parse(payload);
  } catch {
    throw new DomainError('invalid_value', 'baked_json_invalid', `The baked ${what} is neither a URL nor valid JSON.`);
  }
}

/** A baked image's payload: an OB 2.0 assertion (a URL, a document as JSON, or a JWS) or an OB 3.0 credential (JSON or a VC-JWT). */
export function verifiableFromBakedImage(bytes: Uint8Array, urls: PublicUrls, recipient: RecipientClaim | undefined): Verifiable {
  if (bytes.length === 0) throw new DomainError('malformed', 'empty_upload', 'The uploaded image is empty.');
  const baked = extractBaked(bytes);
  const payload = baked.text.trim();
  if (baked.kind === 'credential')
    return verifiableFromCredential(isCompactJws(payload) ? payload : parseBakedJson(payload, 'credential'), urls, recipient);
  if (!payload.startsWith('{')) {
    if (!isHttpUrl(payload) && !isCompactJws(payload))
      throw new DomainError('invalid_value', 'baked_json_invalid', 'The baked assertion is neither a URL, JSON nor a signed assertion.');
    return verifiableFromReference(payload, urls, recipient);
  }
  const document = parseBakedJson(payload, 'assertion');
  const id = (document as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id.length > 2048)
    throw new DomainError('invalid_value', 'baked_json_invalid', 'The baked assertion document has no id.');
  return verifiableFromDocument(document as { id: string }, urls, recipient);
}
