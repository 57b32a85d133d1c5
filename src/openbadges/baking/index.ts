/** @module Baking and reading Open Badges images, PNG or SVG, chosen by content. */
import { BakedImageError } from './errors.ts';
import { bakePng, extractFromPng, isPng } from './png.ts';
import { bakeSvg, extractFromSvg, isSvg } from './svg.ts';

export { BakedImageError };

export type ImageKind = 'image/png' | 'image/svg+xml';

/** PNG or SVG by the bytes themselves (a declared content type can lie), else undefined. */
export function imageKind(bytes: Uint8Array): ImageKind | undefined {
  if (isPng(bytes)) return 'image/png';
  if (isSvg(bytes)) return 'image/svg+xml';
  return undefined;
}

/** The baked assertion text: a URL, or a JSON document. */
export function extractBakedAssertion(bytes: Uint8Array): string {
  const kind = imageKind(bytes);
  if (kind === 'image/png') return extractFromPng(bytes);
  if (kind === 'image/svg+xml') return extractFromSvg(bytes);
  throw new BakedImageError('unsupported_image', 'Only PNG and SVG badge images can be read.');
}

export function bakeAssertionUrl(bytes: Uint8Array, url: string): { bytes: Uint8Array<ArrayBuffer>; type: ImageKind } {
  const kind = imageKind(bytes);
  if (kind === 'image/png') return { bytes: bakePng(bytes, url), type: kind };
  if (kind === 'image/svg+xml') return { bytes: bakeSvg(bytes, url), type: kind };
  throw new BakedImageError('unsupported_image', 'The badge image is neither PNG nor SVG.');
}
