/**
 * @module Reading what a verifier sends to POST /verify: an id, one of our assertion URLs, an
 * assertion document, or a baked PNG/SVG (raw body or multipart), plus an optional recipient.
 */
import { z } from 'zod';
import { isPublicId } from '../ids.ts';
import { BakedImageError, extractBakedAssertion } from '../openbadges/baking/index.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import { Problem } from '../problem.ts';
import type { VerificationRequest } from './verify.ts';

export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
export const MAX_BATCH = 100;

export const recipientClaim = z.object({
  type: z.enum(['email', 'url', 'telephone', 'id']).default('email'),
  identity: z.string().trim().min(1).max(512),
});

const assertionDocument = z.looseObject({ id: z.string().max(2048) });

export const verifyBody = z.object({
  assertion: z.union([z.string().min(1).max(2048), assertionDocument]),
  recipient: recipientClaim.optional(),
});

export const batchBody = z.object({
  ids: z.array(z.string()).min(1).max(MAX_BATCH),
  recipient: recipientClaim.optional(),
});

/** Turns a zod failure into 400 with the first problem's path and message. */
export function invalidBody(error: z.ZodError): Problem {
  const issue = error.issues[0];
  return new Problem(400, 'invalid_body', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
}

/** An id, or the id inside one of our assertion URLs; anything else is refused before the database. */
export function assertionIdFrom(reference: string, urls: PublicUrls): string {
  if (isPublicId(reference)) return reference;
  if (/^https?:\/\//.test(reference)) {
    const id = urls.assertionIdOf(reference);
    if (id) return id;
    throw new Problem(422, 'not_hosted_here', 'Only assertions hosted by this service can be verified here.');
  }
  throw new Problem(400, 'malformed_id', 'The assertion reference is neither an id nor an assertion URL.');
}

/** A baked image's payload: a URL, or an assertion document as JSON. */
function requestFromBaked(text: string, urls: PublicUrls, recipient: VerificationRequest['recipient']): VerificationRequest {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return { id: assertionIdFrom(trimmed, urls), recipient };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Problem(422, 'baked_json_invalid', 'The baked assertion is neither a URL nor valid JSON.');
  }
  const doc = assertionDocument.safeParse(parsed);
  if (!doc.success) throw new Problem(422, 'baked_json_invalid', 'The baked assertion document has no id.');
  return { id: assertionIdFrom(doc.data.id, urls), recipient, supplied: doc.data };
}

function readBaked(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new Problem(400, 'empty_upload', 'The uploaded image is empty.');
  try {
    return extractBakedAssertion(bytes);
  } catch (error) {
    if (error instanceof BakedImageError) throw new Problem(422, error.code, error.message);
    throw error;
  }
}

/** Parses any accepted POST /verify body into one verification request. */
export async function readVerifyRequest(request: Request, urls: PublicUrls): Promise<VerificationRequest> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === 'application/ld+json') {
    const parsed = verifyBody.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) throw invalidBody(parsed.error);
    const { assertion, recipient } = parsed.data;
    return typeof assertion === 'string'
      ? { id: assertionIdFrom(assertion, urls), recipient }
      : { id: assertionIdFrom(assertion.id, urls), recipient, supplied: assertion };
  }
  if (type === 'image/png' || type === 'image/svg+xml' || type === 'application/octet-stream') {
    return requestFromBaked(readBaked(new Uint8Array(await request.arrayBuffer())), urls, undefined);
  }
  if (type === 'multipart/form-data') {
    const form = await request.formData().catch(() => {
      throw new Problem(400, 'invalid_body', 'The multipart body could not be read.');
    });
    const recipient = form.get('recipient_identity')
      ? recipientClaim.safeParse({ type: form.get('recipient_type') ?? undefined, identity: form.get('recipient_identity') })
      : undefined;
    if (recipient && !recipient.success) throw invalidBody(recipient.error);
    const image = form.get('image');
    const assertion = form.get('assertion');
    if (image instanceof File) return requestFromBaked(readBaked(new Uint8Array(await image.arrayBuffer())), urls, recipient?.data);
    if (typeof assertion === 'string') return { id: assertionIdFrom(assertion, urls), recipient: recipient?.data };
    throw new Problem(400, 'invalid_body', 'Send an `image` file or an `assertion` field.');
  }
  throw new Problem(415, 'unsupported_media_type', 'Send application/json, image/png, image/svg+xml or multipart/form-data.');
}
