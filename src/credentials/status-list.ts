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

/**
 * The bit at `position` of an encoded list: gzip, base64url, multibase `u` (Bitstring) or bare
 * (Status List 2021); undefined past the list's end. Decompressed only up to the byte it needs, so
 * a gzip bomb from another issuer costs no more than that.
 */
export async function bitAt(encodedList: string, position: number): Promise<boolean | undefined> {
  const byte = position >> 3;
  if (byte >= MAX_LIST_BYTES) return undefined;
  const compressed = fromBase64(encodedList.startsWith('u') ? encodedList.slice(1) : encodedList);
  const reader = new Blob([compressed]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  let offset = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return undefined;
      if (byte < offset + value.length) return (value[byte - offset]! & (0x80 >> (position & 7))) !== 0;
      offset += value.length;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** The bit at `position` of one of our own lists (positions past its end are not set). */
export const statusBit = async (encodedList: string, position: number): Promise<boolean> => (await bitAt(encodedList, position)) ?? false;

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
