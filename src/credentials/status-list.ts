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

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `u` + base64url(gzip(bitstring)) with the bits at `positions` set. */
export async function encodeStatusBits(positions: Iterable<number>): Promise<string> {
  const bits = new Uint8Array(STATUS_LIST_SIZE / 8);
  for (const position of positions) bits[position >> 3]! |= 0x80 >> (position & 7);
  return `u${toBase64url(await gzip(bits))}`;
}

/** The bit at `position` of an `encodedList`. */
export async function statusBit(encodedList: string, position: number): Promise<boolean> {
  if (!encodedList.startsWith('u')) throw new Error('encodedList is not multibase base64url');
  const bits = await gunzip(fromBase64(encodedList.slice(1)));
  return ((bits[position >> 3] ?? 0) & (0x80 >> (position & 7))) !== 0;
}

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
