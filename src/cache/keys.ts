/**
 * @module Cache keys of the records, shared by L1 and Redis. The prefix names the stored format:
 * a new format gets a new prefix, so it never reads values written in an older one.
 */
import type { RecordKind } from '../db/schema.ts';

export const recordKeyPrefix: Record<RecordKind, string> = {
  assertion: 'v2:a:',
  badge: 'v2:b:',
  issuer: 'v2:i:',
};

export const recordKey = (kind: RecordKind, id: string) => `${recordKeyPrefix[kind]}${id}`;

/** A badge image under its badge's version: a new upload is a new version, so a stored image never goes stale. */
export const imageKey = (badgeClassId: string, version: number) => `v2:img:${badgeClassId}:${version}`;
