/**
 * @module Bitstring Status List (W3C Recommendation): the revoked positions of one list as a
 * `BitstringStatusListCredential`, its bitstring gzipped and written as multibase base64url
 * (`u…`, no padding); bit 0 is the most significant bit of byte 0.
 */

import { STATUS_LIST_SIZE } from '../db/schema.ts';
import { fromBase64, toBase64url } from '../lib/base64.ts';
import { VC_V2_CONTEXT } from './contexts.ts';

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `u` + base64url(gzip(bitstring)) with the bits at `positions` set. */
export async function encodeStatusBits(positions: Iterable<number>): Promise<string> {
  const bits = new Uint8Array(STATUS_LIST_SIZE / 8);
  for (const position of positions) bits[position >> 3]! |= 0x80 >> (position & 7);
  return `u${toBase64url(await gzip(bits))}`;
}

/** Lists larger than this (decompressed) are not read: 134 million entries, far above any real list (131,072 by default). */
const MAX_LIST_BYTES = 16 * 1024 * 1024;

/** A list's bit, undefined past its end or when it cannot be read; `over_budget` when its reader's bytes ran out. */
export type ListBit = boolean | undefined | 'over_budget';

/**
 * A reader of encoded lists (gzip, base64url, multibase `u` for Bitstring or bare for Status List
 * 2021) that decompresses each list once, however many positions are asked of it, and at most
 * `budget` bytes in all: one client request naming a gzip bomb in many entries, or many bombs,
 * inflates one bomb's worth.
 */
export function statusListReader(budget = MAX_LIST_BYTES): (encodedList: string, position: number) => Promise<ListBit> {
  const lists = new Map<string, Promise<Uint8Array | undefined | 'over_budget'>>();
  let left = budget;
  async function inflate(encodedList: string): Promise<Uint8Array | undefined | 'over_budget'> {
    const compressed = fromBase64(encodedList.startsWith('u') ? encodedList.slice(1) : encodedList);
    const reader = new Blob([compressed]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        left -= value.length;
        if (size > MAX_LIST_BYTES) return undefined;
        if (left < 0) return 'over_budget';
        chunks.push(value);
      }
    } finally {
      reader.cancel().catch(() => {});
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }
  return async (encodedList, position) => {
    let list = lists.get(encodedList);
    if (!list) {
      list = inflate(encodedList).catch(() => undefined);
      lists.set(encodedList, list);
    }
    const bytes = await list;
    if (!(bytes instanceof Uint8Array)) return bytes;
    const byte = position >> 3;
    return byte < bytes.length ? (bytes[byte]! & (0x80 >> (position & 7))) !== 0 : undefined;
  };
}

/** The bit at `position` of one of our own lists (positions past its end are not set). */
export const statusBit = async (encodedList: string, position: number): Promise<boolean> =>
  (await statusListReader()(encodedList, position)) === true;

/** The unsigned list credential of `listUrl`, issued by the DID `issuerDid`; `encodedList` from `encodeStatusBits`. */
export function statusListCredential(listUrl: string, issuerDid: string, encodedList: string, validFrom: Date) {
  return {
    '@context': [VC_V2_CONTEXT],
    id: listUrl,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuerDid,
    validFrom: validFrom.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    credentialSubject: {
      id: `${listUrl}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList,
    },
  };
}
