/**
 * @module Issuer signing keys: Ed25519 (WebCrypto), named by their multibase public key, and kept only encrypted
 * (AES-GCM under the key-encryption key, bound to the issuer and key id).
 */
import { base58btc, fromBase58btc } from './multibase.ts';

/** Multicodec prefix of an Ed25519 public key (0xed, varint-encoded). */
const ED25519_PUB = [0xed, 0x01];

/** A public key as multibase (`z6Mk…`): the did:key method-specific id. */
export const publicKeyMultibase = (raw: Uint8Array) => base58btc(new Uint8Array([...ED25519_PUB, ...raw]));

/** The raw Ed25519 public key inside a did:key id, or undefined. */
export function rawPublicKeyOf(keyId: string): Uint8Array | undefined {
  const bytes = fromBase58btc(keyId);
  if (bytes?.length !== 34 || bytes[0] !== ED25519_PUB[0] || bytes[1] !== ED25519_PUB[1]) return undefined;
  return bytes.subarray(2);
}

const ED25519 = { name: 'Ed25519' } as const;

export type NewSigningKey = { id: string; privateKeyCiphertext: Uint8Array };

/** The key-encryption key from its 32 raw bytes (a Worker secret). */
export const importKeyEncryptionKey = (raw: Uint8Array) => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);

const additionalData = (issuerId: string, keyId: string) => new TextEncoder().encode(`${issuerId}\n${keyId}`);

/** A fresh key pair for `issuerId`: its public id and its private key, encrypted. */
export async function newSigningKey(issuerId: string, kek: CryptoKey): Promise<NewSigningKey> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  const id = publicKeyMultibase(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(issuerId, id) }, kek, pkcs8);
  return { id, privateKeyCiphertext: new Uint8Array([...iv, ...new Uint8Array(sealed)]) };
}

/** The private key of a stored key, for signing only (not extractable). */
export async function openSigningKey(issuerId: string, keyId: string, ciphertext: Uint8Array, kek: CryptoKey): Promise<CryptoKey> {
  const pkcs8 = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: ciphertext.subarray(0, 12), additionalData: additionalData(issuerId, keyId) },
    kek,
    ciphertext.subarray(12),
  );
  return crypto.subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
}

export const sign = async (key: CryptoKey, data: Uint8Array) => new Uint8Array(await crypto.subtle.sign(ED25519, key, data));

/** Whether `signature` over `data` verifies with the did:key `keyId`. */
export async function verifySignature(keyId: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const raw = rawPublicKeyOf(keyId);
  if (!raw) return false;
  const key = await crypto.subtle.importKey('raw', raw, ED25519, false, ['verify']);
  return crypto.subtle.verify(ED25519, key, signature, data);
}
