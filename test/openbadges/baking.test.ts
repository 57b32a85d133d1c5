import { describe, expect, it } from 'vitest';
import { type BakedImageError, bakeAssertionUrl, extractBakedAssertion } from '../../src/openbadges/baking/index.ts';
import { bakePng } from '../../src/openbadges/baking/png.ts';
import { PNG_1X1, pngChunk, SVG_BADGE } from '../fixtures.ts';

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as BakedImageError).code;
  }
  return 'no error';
};

/** Re-bakes a PNG with a chunk of our choosing in place of the openbadges iTXt. */
function withChunk(type: string, data: number[]): Uint8Array {
  const baked = bakePng(PNG_1X1, 'x');
  // IHDR ends at 8 + 25; the iTXt chunk follows and is 12 + 16 bytes long.
  return new Uint8Array([...baked.subarray(0, 33), ...pngChunk(type, data), ...baked.subarray(33 + 12 + 16)]);
}

const ascii = (text: string) => [...new TextEncoder().encode(text)];

describe('PNG baking', () => {
  it('round-trips a URL and replaces an earlier assertion', () => {
    const once = bakePng(PNG_1X1, 'https://a.example/assertions/1');
    const twice = bakePng(once, 'https://a.example/assertions/2');
    expect(extractBakedAssertion(twice)).toBe('https://a.example/assertions/2');
  });

  it('keeps non-ASCII JSON intact in iTXt', () => {
    const json = '{"id":"https://a.example/assertions/1","narrative":"Ça marche ✓"}';
    expect(extractBakedAssertion(bakePng(PNG_1X1, json))).toBe(json);
  });

  it('reads the older tEXt form', () => {
    expect(extractBakedAssertion(withChunk('tEXt', [...ascii('openbadges'), 0, ...ascii('https://a.example/x')]))).toBe(
      'https://a.example/x',
    );
  });

  it('refuses compressed iTXt and zTXt chunks', () => {
    expect(codeOf(() => extractBakedAssertion(withChunk('iTXt', [...ascii('openbadges'), 0, 1, 0, 0, 0, 0x78, 0x9c])))).toBe(
      'png_compressed_chunk',
    );
    expect(codeOf(() => extractBakedAssertion(withChunk('zTXt', [...ascii('openbadges'), 0, 0, 0x78, 0x9c])))).toBe('png_compressed_chunk');
  });

  it('refuses a chunk that claims more bytes than the file has', () => {
    const baked = bakePng(PNG_1X1, 'x');
    new DataView(baked.buffer).setUint32(33, 0x7fffffff);
    expect(codeOf(() => extractBakedAssertion(baked))).toBe('png_truncated');
  });
});

describe('SVG baking', () => {
  it('round-trips a URL with characters that need escaping', () => {
    const url = 'https://a.example/assertions/1?x=1&y="2"';
    const { bytes, type } = bakeAssertionUrl(SVG_BADGE, url);
    expect(type).toBe('image/svg+xml');
    expect(new TextDecoder().decode(bytes)).toContain('verify="https://a.example/assertions/1?x=1&amp;y=&quot;2&quot;"');
    expect(extractBakedAssertion(bytes)).toBe(url);
  });

  it('reads an assertion embedded as JSON in CDATA', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://a.example/a"><![CDATA[{"id":"https://a.example/a"}]]></openbadges:assertion></svg>';
    expect(extractBakedAssertion(new TextEncoder().encode(svg))).toBe('{"id":"https://a.example/a"}');
  });

  it('refuses two assertions and external entities', () => {
    const two = '<svg><openbadges:assertion verify="a"/><openbadges:assertion verify="b"/></svg>';
    expect(codeOf(() => extractBakedAssertion(new TextEncoder().encode(two)))).toBe('multiple_assertions');
    const xxe = '<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg>&e;</svg>';
    expect(codeOf(() => extractBakedAssertion(new TextEncoder().encode(xxe)))).toBe('svg_doctype_forbidden');
  });

  it('ignores an assertion element inside a comment', () => {
    const commented =
      '<svg xmlns:openbadges="http://openbadges.org"><!-- <openbadges:assertion verify="https://evil.example/a"/> --></svg>';
    expect(codeOf(() => extractBakedAssertion(new TextEncoder().encode(commented)))).toBe('not_baked');
    const beside =
      '<svg xmlns:openbadges="http://openbadges.org"><!-- <openbadges:assertion verify="https://evil.example/a"/> --><openbadges:assertion verify="https://a.example/a"/></svg>';
    expect(extractBakedAssertion(new TextEncoder().encode(beside))).toBe('https://a.example/a');
  });

  it('decodes numeric character references in verify', () => {
    const svg = '<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https&#58;//a.example/a?x=1&#x26;y=2"/></svg>';
    expect(extractBakedAssertion(new TextEncoder().encode(svg))).toBe('https://a.example/a?x=1&y=2');
  });
});
