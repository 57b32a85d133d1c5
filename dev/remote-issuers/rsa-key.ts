/**
 * @module A deterministic RSA key pair from a seed, for fixtures only. Node's generator takes no
 * seed, and a key made afresh each run would disagree with the key documents the Worker keeps in
 * Redis between runs (definitions are kept up to an hour): the same seed gives the same key, so
 * the same documents and the same signatures every run. Never use it for anything real.
 */
import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** An endless byte stream: SHA-256 of the seed and a counter. */
function byteStream(seed: string) {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (length: number): Buffer => {
    while (pool.length < length) {
      pool = Buffer.concat([pool, createHash('sha256').update(`${seed}:${counter++}`).digest()]);
    }
    const bytes = pool.subarray(0, length);
    pool = pool.subarray(length);
    return bytes;
  };
}

const bigintOf = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

const SMALL_PRIMES = (() => {
  const primes: bigint[] = [];
  for (let n = 3; primes.length < 300; n += 2) if (primes.every((p) => BigInt(n) % p !== 0n)) primes.push(BigInt(n));
  return primes;
})();

/** Miller–Rabin with 40 bases from the stream: a composite passes with probability under 2^-80. */
function probablyPrime(n: bigint, next: (length: number) => Buffer, bytes: number): boolean {
  if (SMALL_PRIMES.some((p) => n % p === 0n)) return false;
  let d = n - 1n;
  let r = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    r++;
  }
  for (let round = 0; round < 40; round++) {
    const a = 2n + (bigintOf(next(bytes)) % (n - 3n));
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let witness = true;
    for (let i = 1; i < r && witness; i++) {
      x = (x * x) % n;
      if (x === n - 1n) witness = false;
    }
    if (witness) return false;
  }
  return true;
}

function prime(bits: number, next: (length: number) => Buffer, e: bigint): bigint {
  const bytes = bits / 8;
  for (;;) {
    // The top two bits set, so that p·q has exactly 2·bits bits; odd.
    const candidate = bigintOf(next(bytes)) | (3n << BigInt(bits - 2)) | 1n;
    if ((candidate - 1n) % e !== 0n && probablyPrime(candidate, next, bytes)) return candidate;
  }
}

const b64u = (n: bigint) => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};

/** A 2048-bit RSA key pair (e = 65537), the same for the same seed. */
export function deterministicRsaKey(seed: string): { privateKey: KeyObject; publicKey: KeyObject } {
  const next = byteStream(seed);
  const e = 65537n;
  const p = prime(1024, next, e);
  let q = prime(1024, next, e);
  while (q === p) q = prime(1024, next, e);
  const n = p * q;
  const d = modInverse(e, (p - 1n) * (q - 1n));
  const jwk: JsonWebKey = {
    kty: 'RSA',
    n: b64u(n),
    e: b64u(e),
    d: b64u(d),
    p: b64u(p),
    q: b64u(q),
    dp: b64u(d % (p - 1n)),
    dq: b64u(d % (q - 1n)),
    qi: b64u(modInverse(q, p)),
  };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
