/**
 * @module Baked SVG badges: `xmlns:openbadges="http://openbadges.org"` on the root and one
 * `<openbadges:assertion verify="URL">`. Uploaded SVG is never parsed as XML: anything with a
 * DOCTYPE (entity expansion, external entities) is refused, and the element is found by pattern.
 */
import { BakedImageError } from './errors.ts';

const NAMESPACE = 'http://openbadges.org';
const ELEMENT = /<openbadges:assertion\b([^>]*?)(?:\/>|>([\s\S]*?)<\/openbadges:assertion\s*>)/g;
const VERIFY_ATTRIBUTE = /\bverify\s*=\s*(?:"([^"]*)"|'([^']*)')/;
const ROOT = /<svg\b[^>]*>/;

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** The predefined entities and numeric character references (`&#38;`, `&#x26;`); anything else stays as written. */
const unescapeXml = (text: string) =>
  text.replace(
    /&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-f]{1,6}));/gi,
    (match, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
      if (name) return XML_ENTITIES[name.toLowerCase()] ?? match;
      const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    },
  );
/** Comments hold no elements: an `openbadges:assertion` inside one is not an assertion. */
const withoutComments = (text: string) => text.replace(/<!--[\s\S]*?-->/g, '');
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&${Object.keys(XML_ENTITIES).find((k) => XML_ENTITIES[k] === ch)};`);

/** The SVG's text: UTF-8, no DOCTYPE or entity declarations, an `<svg>` root; throws `BakedImageError` otherwise. */
export function decode(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new BakedImageError('svg_not_utf8', 'The SVG is not UTF-8 text.');
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw new BakedImageError('svg_doctype_forbidden', 'SVG with a DOCTYPE or entity declarations is not accepted.');
  if (!ROOT.test(text)) throw new BakedImageError('not_svg', 'The file has no <svg> root element.');
  return text;
}

/** Looks like XML markup (a prolog, doctype, comment or the svg element first); `decode` checks the rest. */
export function isSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 256));
  return /^\uFEFF?\s*<(\?xml|!DOCTYPE|!--|svg\b)/i.test(head);
}

/** The baked assertion (a URL, or JSON text) of an SVG. */
export function extractFromSvg(bytes: Uint8Array): string {
  const elements = [...withoutComments(decode(bytes)).matchAll(ELEMENT)];
  if (elements.length === 0) throw new BakedImageError('not_baked', 'The SVG carries no openbadges:assertion element.');
  if (elements.length > 1) throw new BakedImageError('multiple_assertions', 'The SVG carries more than one openbadges:assertion element.');
  const [, attributes = '', content = ''] = elements[0]!;
  const body = content.replace(/^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/, '$1').trim();
  if (body.startsWith('{')) return body;
  const verify = VERIFY_ATTRIBUTE.exec(attributes);
  if (!verify) throw new BakedImageError('svg_malformed', 'The openbadges:assertion element has no verify attribute.');
  return unescapeXml(verify[1] ?? verify[2] ?? '');
}

/** The SVG with one `openbadges:assertion` element pointing at `url`; any earlier one is replaced. */
export function bakeSvg(bytes: Uint8Array, url: string): Uint8Array<ArrayBuffer> {
  const text = decode(bytes).replace(ELEMENT, '');
  const root = ROOT.exec(text)!;
  let openTag = root[0];
  if (!openTag.includes('xmlns:openbadges')) openTag = openTag.replace(/^<svg\b/, `<svg xmlns:openbadges="${NAMESPACE}"`);
  const element = `<openbadges:assertion verify="${escapeXml(url)}"/>`;
  const baked = text.slice(0, root.index) + openTag + element + text.slice(root.index + root[0].length);
  return new Uint8Array(new TextEncoder().encode(baked));
}
