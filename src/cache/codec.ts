/**
 * @module How records are stored in Redis: `version|...|json`. The version sits outside the JSON
 * so a Lua script can compare it with `string.match` (the embedded Redis has no cjson); an
 * assertion also carries its badge class and issuer ids there, so one script can follow them.
 * Assertions, the long tail, are a JSON array with dates as epoch milliseconds (compact).
 */

import type { ApiKeyRecord, AssertionRecord, BadgeClassRecord, IssuerRecord } from '../db/records.ts';
import type { RecordKind } from '../db/schema.ts';
import { fromBase64, toBase64 } from '../lib/base64.ts';
import type { ImageKind } from '../openbadges/baking/index.ts';

export type RecordOf = { assertion: AssertionRecord; badge: BadgeClassRecord; issuer: IssuerRecord; apiKey: ApiKeyRecord };
export type AnyRecord = RecordOf[RecordKind];

/** Positions in the stored array; badgeClassId, issuerId and version live in the prefix. */
const ASSERTION_FIELDS = [
  'id',
  'recipientType',
  'recipientHashed',
  'recipientIdentity',
  'recipientSalt',
  'issuedOn',
  'expires',
  'evidence',
  'narrative',
  'revokedAt',
  'revocationReason',
  'updatedAt',
  'statusIndex',
  // Appended: an entry stored before it has no such position, and reads null.
  'recipientName',
] as const satisfies ReadonlyArray<keyof AssertionRecord>;
const ASSERTION_DATES = new Set<string>(['issuedOn', 'expires', 'revokedAt', 'updatedAt']);

const toJson = (value: unknown) => (value instanceof Date ? value.getTime() : value);

function encodeAssertion(record: AssertionRecord): string {
  const fields = ASSERTION_FIELDS.map((field) => toJson(record[field]));
  return `${record.version}|${record.badgeClassId}|${record.issuerId}|${JSON.stringify(fields)}`;
}

function decodeAssertion(stored: string): AssertionRecord | undefined {
  const match = /^(\d+)\|([^|]+)\|([^|]+)\|(.*)$/s.exec(stored);
  if (!match) return undefined;
  const values = JSON.parse(match[4]!) as unknown[];
  const record: Record<string, unknown> = { version: Number(match[1]), badgeClassId: match[2], issuerId: match[3] };
  ASSERTION_FIELDS.forEach((field, i) => {
    const value = values[i] ?? null;
    record[field] = ASSERTION_DATES.has(field) && value !== null ? new Date(value as number) : value;
  });
  return record as AssertionRecord;
}

/** Dates of a definition's JSON, as epoch milliseconds. */
const DEFINITION_DATES = ['updatedAt', 'createdAt', 'expiresAt', 'revokedAt'] as const;
type Definition = BadgeClassRecord | IssuerRecord | ApiKeyRecord;

function encodeDefinition(record: Definition): string {
  const json: Record<string, unknown> = { ...record };
  for (const field of DEFINITION_DATES) if (json[field] instanceof Date) json[field] = (json[field] as Date).getTime();
  return `${record.version}|${JSON.stringify(json)}`;
}

function decodeDefinition<T extends Definition>(stored: string): T | undefined {
  const match = /^(\d+)\|(.*)$/s.exec(stored);
  if (!match) return undefined;
  const record = JSON.parse(match[2]!) as Record<string, unknown>;
  for (const field of DEFINITION_DATES) if (typeof record[field] === 'number') record[field] = new Date(record[field] as number);
  return { ...record, version: Number(match[1]) } as T;
}

export const encodeRecord = (kind: RecordKind, record: AnyRecord): string =>
  kind === 'assertion' ? encodeAssertion(record as AssertionRecord) : encodeDefinition(record as Definition);

/** The record in `stored`, or undefined when it is not in this format (never trusted blindly). */
export function decodeRecord<K extends RecordKind>(kind: K, stored: string): RecordOf[K] | undefined {
  try {
    return (kind === 'assertion' ? decodeAssertion(stored) : decodeDefinition(stored)) as RecordOf[K] | undefined;
  } catch {
    return undefined;
  }
}

/**
 * A key known to hold no record: version 0, so the record's creation (version 1 and up, written
 * through with the compare-and-set) always replaces it, and a reader's late "none" never
 * replaces a record.
 */
export const ABSENT = '0|';

/**
 * A badge image as Redis keeps it: `type|base64`, or `none|` when the badge has no usable image
 * bytes (no image, or one stored before uploads were checked), so that lookup is not repeated.
 */
export type StoredImage = { bytes: Uint8Array<ArrayBuffer>; type: ImageKind } | { bytes: undefined; reason: 'no_image' | 'unusable' };

export function encodeImage(image: StoredImage): string {
  if (!image.bytes) return `${image.reason}|`;
  return `${image.type}|${toBase64(image.bytes)}`;
}

export function decodeImage(value: string): StoredImage | undefined {
  const bar = value.indexOf('|');
  const head = value.slice(0, bar);
  if (head === 'no_image' || head === 'unusable') return { bytes: undefined, reason: head };
  if (head !== 'image/png' && head !== 'image/svg+xml') return undefined;
  return { bytes: fromBase64(value.slice(bar + 1)), type: head };
}
