/**
 * @module Proofs that held, remembered in the isolate: the same document (every byte), the same
 * proof and the same key verify the same way, so a warm verification skips canonicalization, its
 * costly part. Only documents over bundled contexts are remembered (a remote context may change
 * under the same URL), and only proofs that held (a forger's documents take no room).
 */
import { MemoryCache } from '../cache/memory.ts';

const memo = new MemoryCache({ maxEntries: 2_000, maxBytes: 8 * 1024 * 1024 });
/** A pure function of its key: the lifetime only bounds memory. */
const LIFETIME_MS = 60 * 60 * 1000;

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The memo key of one proof of `document` checked with `jwk`. */
export async function proofMemoKey(document: object, proofIndex: number, jwk: JsonWebKey): Promise<string> {
  const text = `${JSON.stringify(document)}\n${proofIndex}\n${JSON.stringify(jwk)}`;
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** The canonical N-Quads of a document whose proof held under `key`; undefined when not remembered. */
export const rememberedProof = (key: string): string | undefined => memo.lookup<string>(key)?.value;

export const rememberProof = (key: string, nquads: string): void => memo.set(key, nquads, 1, LIFETIME_MS, nquads.length);
