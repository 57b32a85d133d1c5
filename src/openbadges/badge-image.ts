/**
 * @module Badge images as uploaded: checked before they are stored, so that no later read can fail
 * on them and none can run script on the verification origin.
 */
import { BakedImageError, bakeAssertionUrl, imageKind } from './baking/index.ts';
import { readChunks } from './baking/png.ts';
import { decode } from './baking/svg.ts';

/** What an SVG badge must not contain: script, event handlers, embedded HTML, references to elsewhere. */
const SVG_FORBIDDEN: Array<[RegExp, string]> = [
  [/<script\b/i, 'a script element'],
  [/\son[a-z]+\s*=/i, 'an event handler attribute'],
  [/<foreignObject\b/i, 'a foreignObject element'],
  [/\b(?:href|src)\s*=\s*["']\s*(?!#)/i, 'a reference to another resource'],
  [/url\(\s*["']?\s*(?!#)/i, 'a url() reference to another resource'],
  [/javascript:/i, 'a javascript: URL'],
];

/**
 * Throws `BakedImageError` unless `bytes` are a well-formed image of the `declared` type, free of
 * active content, that bakes: every assertion of the badge will serve a baked copy of it.
 */
export function checkBadgeImage(bytes: Uint8Array, declared: string | null): void {
  const kind = imageKind(bytes);
  if (kind !== declared) throw new BakedImageError('image_type_mismatch', `The image bytes are not ${declared}.`);
  if (kind === 'image/png') readChunks(bytes);
  else {
    const text = decode(bytes);
    for (const [pattern, what] of SVG_FORBIDDEN) {
      if (pattern.test(text)) throw new BakedImageError('svg_active_content', `SVG badge images may not contain ${what}.`);
    }
  }
  bakeAssertionUrl(bytes, TRIAL_URL);
}

/** Baked into a trial copy at upload: as long as any real assertion URL. */
const TRIAL_URL = `https://${'x'.repeat(253)}/assertions/${'x'.repeat(64)}`;
