/** @module Public ids: short random URL-safe slugs, checked before any database work. */
import { toBase64url } from './base64.ts';

/** Letters, digits, `-` and `_`, at most 64: anything else is rejected with 400 up front. */
export const PUBLIC_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isPublicId(value: unknown): value is string {
  return typeof value === 'string' && PUBLIC_ID.test(value);
}

/** 12 characters of base64url from 72 random bits. */
export function newPublicId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return toBase64url(bytes);
}
