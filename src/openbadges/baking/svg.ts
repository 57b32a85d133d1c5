/**
 * @module Baked SVG badges: OB 2.0 puts `xmlns:openbadges="http://openbadges.org"` on the root and
 * one `<openbadges:assertion verify="URL">`; OB 3.0 puts the v3 namespace there and the signed
 * credential as CDATA in one `<openbadges:credential>`. Uploaded SVG is never parsed as XML:
 * anything with a DOCTYPE (entity expansion, external entities) is refused, and the elements are
 * found by a linear scan.
 */
import { BakedImageError } from './errors.ts';
import type { BakedKind } from './png.ts';

const NAMESPACES: Record<BakedKind, string> = { assertion: 'http://openbadges.org', credential: 'https://purl.imsglobal.org/ob/v3p0' };
const ELEMENTS: Record<BakedKind, string> = { assertion: 'openbadges:assertion', credential: 'openbadges:credential' };
const VERIFY_ATTRIBUTE = /\bverify\s*=\s*(?:"([^"]*)"|'([^']*)')/;

// Uploads are up to 2 MiB of text chosen by anyone: every scan below is indexOf-based and
// linear, where a backtracking pattern (`[^>]*`, `[\s\S]*?` with no end in sight) can be quadratic.

/** The first tag `<name ...>` at or after `from` whose name ends there (`<svgx` is not `<svg`); undefined when none is closed. */
function findTag(text: string, name: string, from = 0): { start: number; end: number; attributes: string } | undefined {
  for (let start = text.indexOf(name, from); start >= 0; start = text.indexOf(name, start + 1)) {
    const next = text[start + name.length];
    if (next !== undefined && /[\w:.-]/.test(next)) continue;
    const close = text.indexOf('>', start);
    if (close < 0) return undefined;
    return { start, end: close + 1, attributes: text.slice(start + name.length, close) };
  }
  return undefined;
}

type Element = { start: number; end: number; attributes: string; content: string };

/** Every element `name` (self-closing or with content); an unclosed one is malformed. */
function elementsNamed(text: string, name: string): Element[] {
  const elements: Element[] = [];
  const closing = new RegExp(`</${name}\\s*>`, 'y');
  for (let tag = findTag(text, `<${name}`); tag; tag = findTag(text, `<${name}`, elements.at(-1)!.end)) {
    if (tag.attributes.endsWith('/')) {
      elements.push({ start: tag.start, end: tag.end, attributes: tag.attributes.slice(0, -1), content: '' });
      continue;
    }
    const closeAt = text.indexOf(`</${name}`, tag.end);
    closing.lastIndex = closeAt;
    const close = closeAt >= 0 ? closing.exec(text) : null;
    if (!close) throw new BakedImageError('svg_malformed', `An ${name} element is not closed.`);
    elements.push({ start: tag.start, end: closeAt + close[0].length, attributes: tag.attributes, content: text.slice(tag.end, closeAt) });
  }
  return elements;
}

/** Every baked element of either kind, in document order. */
const bakedElements = (text: string) =>
  [...elementsNamed(text, ELEMENTS.assertion), ...elementsNamed(text, ELEMENTS.credential)].sort((a, b) => a.start - b.start);

/** An element's CDATA (or text) content, trimmed. */
const contentOf = (element: Element) => element.content.replace(/^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/, '$1').trim();

/** The text without `elements` (sorted, not overlapping). */
const without = (text: string, elements: readonly Element[]) =>
  elements.reduceRight((rest, element) => rest.slice(0, element.start) + rest.slice(element.end), text);

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
/** Comments hold no elements: an `openbadges:assertion` inside one is not an assertion. An unclosed comment runs to the end. */
function withoutComments(text: string): string {
  let out = '';
  let at = 0;
  for (let open = text.indexOf('<!--'); open >= 0; open = text.indexOf('<!--', at)) {
    out += text.slice(at, open);
    const close = text.indexOf('-->', open + 4);
    if (close < 0) return out;
    at = close + 3;
  }
  return out + text.slice(at);
}
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
  if (!findTag(text, '<svg')) throw new BakedImageError('not_svg', 'The file has no <svg> root element.');
  return text;
}

/** Looks like XML markup (a prolog, doctype, comment or the svg element first); `decode` checks the rest. */
export function isSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 256));
  return /^\uFEFF?\s*<(\?xml|!DOCTYPE|!--|svg\b)/i.test(head);
}

/** The assertion's payload: JSON content, or the `verify` URL. */
function assertionPayload(element: Element): string {
  const body = contentOf(element);
  if (body.startsWith('{')) return body;
  const verify = VERIFY_ATTRIBUTE.exec(element.attributes);
  if (!verify) throw new BakedImageError('svg_malformed', 'The openbadges:assertion element has no verify attribute.');
  return unescapeXml(verify[1] ?? verify[2] ?? '');
}

/** What an SVG carries, of each kind (elements inside comments do not count). */
export function bakedInSvg(bytes: Uint8Array): Record<BakedKind, string[]> {
  const text = withoutComments(decode(bytes));
  return {
    assertion: elementsNamed(text, ELEMENTS.assertion).map(assertionPayload),
    credential: elementsNamed(text, ELEMENTS.credential).map(contentOf),
  };
}

/**
 * The SVG with one baked element of `kind`: an assertion URL as `verify`, a credential as CDATA.
 * Anything baked before (of either kind) is removed, and the root declares the kind's namespace.
 */
export function bakeSvg(bytes: Uint8Array, payload: string, kind: BakedKind = 'assertion'): Uint8Array<ArrayBuffer> {
  const source = decode(bytes);
  const text = without(source, bakedElements(source));
  const root = findTag(text, '<svg');
  if (!root) throw new BakedImageError('not_svg', 'The SVG has no <svg> root element outside its baked elements.');
  const declaration = `xmlns:openbadges="${NAMESPACES[kind]}"`;
  const rootTag = text.slice(root.start, root.end);
  const openTag = /\sxmlns:openbadges\s*=\s*(?:"[^"]*"|'[^']*')/.test(rootTag)
    ? rootTag.replace(/\sxmlns:openbadges\s*=\s*(?:"[^"]*"|'[^']*')/, ` ${declaration}`)
    : rootTag.replace(/^<svg\b/, `<svg ${declaration}`);
  const element =
    kind === 'assertion'
      ? `<${ELEMENTS.assertion} verify="${escapeXml(payload)}"/>`
      : `<${ELEMENTS.credential}><![CDATA[${payload.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${ELEMENTS.credential}>`;
  const baked = text.slice(0, root.start) + openTag + element + text.slice(root.end);
  return new Uint8Array(new TextEncoder().encode(baked));
}
