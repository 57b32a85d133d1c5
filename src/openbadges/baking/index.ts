/** @module Baking and reading Open Badges images, PNG or SVG, chosen by content: OB 2.0 assertions and OB 3.0 credentials. */
import { BakedImageError } from './errors.ts';
import { type BakedKind, bakedInPng, bakePng, isPng } from './png.ts';
import { bakedInSvg, bakeSvg, isSvg } from './svg.ts';

export { BakedImageError, type BakedKind };

export type ImageKind = 'image/png' | 'image/svg+xml';

/** PNG or SVG by the bytes themselves (a declared content type can lie), else undefined. */
export function imageKind(bytes: Uint8Array): ImageKind | undefined {
  if (isPng(bytes)) return 'image/png';
  if (isSvg(bytes)) return 'image/svg+xml';
  return undefined;
}

/** What an image carries: exactly one baked payload (an OB 2.0 assertion URL or JSON, or an OB 3.0 credential's JSON). */
export function extractBaked(bytes: Uint8Array): { kind: BakedKind; text: string } {
  const type = imageKind(bytes);
  if (!type) throw new BakedImageError('unsupported_image', 'Only PNG and SVG badge images can be read.');
  const baked = type === 'image/png' ? bakedInPng(bytes) : bakedInSvg(bytes);
  const found = [
    ...baked.assertion.map((text) => ({ kind: 'assertion' as const, text })),
    ...baked.credential.map((text) => ({ kind: 'credential' as const, text })),
  ];
  if (found.length === 0) throw new BakedImageError('not_baked', 'The image carries no baked assertion or credential.');
  if (found.length > 1) throw new BakedImageError('multiple_assertions', 'The image carries more than one baked assertion or credential.');
  return found[0]!;
}

/** The baked OB 2.0 assertion text (a URL, or a JSON document); an OB 3.0 credential is not one. */
export function extractBakedAssertion(bytes: Uint8Array): string {
  const baked = extractBaked(bytes);
  if (baked.kind !== 'assertion')
    throw new BakedImageError('not_baked', 'The image carries an OB 3.0 credential, not an OB 2.0 assertion.');
  return baked.text;
}

/** The image with `payload` baked in as `kind` (an assertion URL, or a signed credential's JSON). */
export function bake(
  bytes: Uint8Array,
  payload: string,
  kind: BakedKind = 'assertion',
): { bytes: Uint8Array<ArrayBuffer>; type: ImageKind } {
  const type = imageKind(bytes);
  if (type === 'image/png') return { bytes: bakePng(bytes, payload, kind), type };
  if (type === 'image/svg+xml') return { bytes: bakeSvg(bytes, payload, kind), type };
  throw new BakedImageError('unsupported_image', 'The badge image is neither PNG nor SVG.');
}

export const bakeAssertionUrl = (bytes: Uint8Array, url: string) => bake(bytes, url, 'assertion');
