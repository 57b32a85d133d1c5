/**
 * @module Baked PNG badges: the assertion travels in one `iTXt` chunk with keyword
 * `openbadges` (older badges: `tEXt`), an OB 3.0 credential in one with `openbadgecredential`. A chunk walk with CRCs and bounds, written here because
 * it is ~100 lines, needs no inflate (compressed chunks are refused) and runs in workerd.
 */
import { BakedImageError } from './errors.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The chunk keyword of what a PNG carries: an OB 2.0 assertion (URL or JSON) or an OB 3.0 credential (JSON). */
export const PNG_KEYWORDS = { assertion: 'openbadges', credential: 'openbadgecredential' } as const;
export type BakedKind = keyof typeof PNG_KEYWORDS;
const MAX_CHUNKS = 10_000;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

type Chunk = { type: string; data: Uint8Array; raw: Uint8Array };

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Reads every chunk, checking lengths, CRCs and the IHDR … IEND frame; throws `BakedImageError` otherwise. */
export function readChunks(bytes: Uint8Array): Chunk[] {
  if (!isPng(bytes)) throw new BakedImageError('not_png', 'The file does not start with the PNG signature.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset < bytes.length) {
    if (chunks.length >= MAX_CHUNKS) throw new BakedImageError('png_too_many_chunks', `The PNG has more than ${MAX_CHUNKS} chunks.`);
    if (offset + 12 > bytes.length) throw new BakedImageError('png_truncated', 'The PNG ends in the middle of a chunk header.');
    const length = view.getUint32(offset);
    if (length > bytes.length - offset - 12) throw new BakedImageError('png_truncated', 'A PNG chunk claims more bytes than the file has.');
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== crc)
      throw new BakedImageError('png_bad_crc', `The CRC of the PNG ${type} chunk is wrong.`);
    chunks.push({ type, data, raw: bytes.subarray(offset, offset + 12 + length) });
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  if (chunks[0]?.type !== 'IHDR' || chunks.at(-1)?.type !== 'IEND')
    throw new BakedImageError('png_malformed', 'The PNG must start with IHDR and end with IEND.');
  return chunks;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The text of a chunk with `keyword`, or undefined for any other chunk. */
function openBadgesText(chunk: Chunk, keyword: string): string | undefined {
  if (chunk.type !== 'iTXt' && chunk.type !== 'tEXt' && chunk.type !== 'zTXt') return undefined;
  const nul = chunk.data.indexOf(0);
  if (nul < 0 || latin1.decode(chunk.data.subarray(0, nul)) !== keyword) return undefined;
  if (chunk.type === 'tEXt') return latin1.decode(chunk.data.subarray(nul + 1));
  if (chunk.type === 'zTXt' || chunk.data[nul + 1] !== 0) {
    throw new BakedImageError('png_compressed_chunk', 'Compressed openbadges chunks are not accepted; bake the assertion uncompressed.');
  }
  // iTXt: keyword \0 flag method language \0 translated-keyword \0 text
  const languageEnd = chunk.data.indexOf(0, nul + 3);
  const translatedEnd = languageEnd < 0 ? -1 : chunk.data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) throw new BakedImageError('png_malformed', 'The openbadges iTXt chunk is malformed.');
  try {
    return utf8.decode(chunk.data.subarray(translatedEnd + 1));
  } catch {
    throw new BakedImageError('png_malformed', 'The openbadges iTXt text is not UTF-8.');
  }
}

/** What a PNG carries, of each kind: the texts of its chunks with that kind's keyword. */
export function bakedInPng(bytes: Uint8Array): Record<BakedKind, string[]> {
  const chunks = readChunks(bytes);
  const texts = (kind: BakedKind) =>
    chunks.map((c) => openBadgesText(c, PNG_KEYWORDS[kind])).filter((text): text is string => text !== undefined);
  return { assertion: texts('assertion'), credential: texts('credential') };
}

function chunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** The PNG with one uncompressed iTXt chunk of `kind` (after IHDR) carrying `text`; anything baked before is removed. */
export function bakePng(bytes: Uint8Array, text: string, kind: BakedKind = 'assertion'): Uint8Array<ArrayBuffer> {
  const chunks = readChunks(bytes).filter((c) => Object.values(PNG_KEYWORDS).every((keyword) => openBadgesText(c, keyword) === undefined));
  const encoder = new TextEncoder();
  const itxt = chunk('iTXt', new Uint8Array([...encoder.encode(PNG_KEYWORDS[kind]), 0, 0, 0, 0, 0, ...encoder.encode(text)]));
  const parts = [new Uint8Array(SIGNATURE), chunks[0]!.raw, itxt, ...chunks.slice(1).map((c) => c.raw)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
