/** Test data written through the app's own driver (Drizzle over Neon HTTP), with random ids, removed afterwards. */
import { env, exports } from 'cloudflare:workers';
import { eq, inArray } from 'drizzle-orm';
import { assertions, badgeClasses, issuers, type NewAssertion, type NewBadgeClass, type NewIssuer } from '../src/db/schema.ts';
import { hashIdentity } from '../src/openbadges/recipient.ts';
import { depsFor } from '../src/platform/deps.ts';

export const BASE = 'https://badges.test';

/** A 1×1 PNG. */
export const PNG_1X1 = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);
export const SVG_BADGE = new Uint8Array(
  new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4"/></svg>'),
);

/** A PNG chunk of `type` holding `data`, with its CRC: for building PNGs the parsers must refuse or accept. */
export function pngChunk(type: string, data: Uint8Array | number[]): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode(type), 4);
  chunk.set(data, 8);
  let c = 0xffffffff;
  for (const byte of chunk.subarray(4, 8 + data.length)) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  view.setUint32(8 + data.length, (c ^ 0xffffffff) >>> 0);
  return chunk;
}

export const uid = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;
const db = () => depsFor(env).db;

export const DAY = 86_400_000;

/** An issuer with one badge class; `assertion()` issues from it. `cleanup()` deletes everything it made. */
export async function createIssuerWithBadge(options: { issuer?: Partial<NewIssuer>; badge?: Partial<NewBadgeClass> } = {}) {
  const issuerId = uid('iss');
  const badgeId = uid('badge');
  await db()
    .insert(issuers)
    .values({
      id: issuerId,
      name: 'Test Issuer',
      url: 'https://issuer.example.org',
      email: 'badges@issuer.example.org',
      ...options.issuer,
    });
  await db()
    .insert(badgeClasses)
    .values({
      id: badgeId,
      issuerId,
      name: 'Test Badge',
      description: 'Awarded in tests.',
      criteriaNarrative: 'Pass the tests.',
      imageBytes: PNG_1X1,
      imageType: 'image/png',
      ...options.badge,
    });
  const assertionIds: string[] = [];
  return {
    issuerId,
    badgeId,
    /** Issues to `recipient` (hashed with sha256 and a salt unless `identity` is given). */
    async assertion(values: Partial<NewAssertion> & { recipient?: string } = {}) {
      const id = values.id ?? uid('a');
      const salt = values.recipientSalt ?? 'pepper';
      const identity = values.recipientIdentity ?? (await hashIdentity(values.recipient ?? 'alice@example.org', salt));
      await db()
        .insert(assertions)
        .values({
          issuedOn: new Date(Date.now() - DAY),
          ...values,
          id,
          badgeClassId: badgeId,
          issuerId,
          recipientIdentity: identity,
          recipientSalt: salt,
        });
      assertionIds.push(id);
      return id;
    },
    async cleanup() {
      // Also whatever the tests issued through the admin routes.
      await db().delete(assertions).where(eq(assertions.badgeClassId, badgeId));
      await db()
        .delete(badgeClasses)
        .where(inArray(badgeClasses.id, [badgeId]));
      await db()
        .delete(issuers)
        .where(inArray(issuers.id, [issuerId]));
    },
  };
}

export const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`${BASE}${path}`, { headers, redirect: 'manual' }));

export const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`${BASE}${path}`, { method: 'POST', body, headers }));

export const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  post(path, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
