/**
 * @module Badge image bytes through Redis over the database. An image is kept under its badge's
 * version (an upload bumps it), so a kept copy is never stale and needs no invalidation. Bytes
 * are checked as uploads are before they are kept or served: an image stored before the upload
 * checks existed answers "unusable", never a failure later.
 */
import { decodeImage, encodeImage, type StoredImage } from '../../cache/codec.ts';
import { imageKey } from '../../cache/keys.ts';
import type { BadgeImage } from '../../db/queries.ts';
import { loadBadgeImage } from '../../db/queries.ts';
import type { BadgeClassRecord } from '../../db/records.ts';
import { checkBadgeImage } from '../../openbadges/badge-image.ts';
import { BakedImageError, type ImageKind } from '../../openbadges/baking/index.ts';
import { readQuery } from '../query.ts';
import type { DataScope } from '../scope.ts';
import { databaseFor, readValueFromRedis, writeValueToRedis } from '../tiers.ts';

export type { StoredImage };

/** The row's bytes if they pass the upload checks, as the type stored with them. */
function checked(row: BadgeImage | undefined): StoredImage {
  if (!row?.bytes) return { bytes: undefined, reason: 'no_image' };
  try {
    checkBadgeImage(row.bytes, row.type);
  } catch (error) {
    if (error instanceof BakedImageError) return { bytes: undefined, reason: 'unusable' };
    throw error;
  }
  return { bytes: new Uint8Array(row.bytes), type: row.type as ImageKind };
}

/**
 * The stored image of `badge` (as of its version or newer): one Redis read when kept, else one
 * statement, on the replica only when Redis answered and only if the replica has caught up.
 */
export async function readBadgeImage(
  scope: DataScope,
  badge: Pick<BadgeClassRecord, 'id' | 'version'>,
): Promise<{ image: StoredImage; version: number }> {
  const kept = await readValueFromRedis(scope, imageKey(badge.id, badge.version));
  const decoded = kept ? decodeImage(kept) : undefined;
  if (decoded) {
    scope.cache.served.add('redis');
    return { image: decoded, version: badge.version };
  }
  let row = await readQuery(scope, (db) => loadBadgeImage(db, badge.id), databaseFor(scope, kept !== undefined));
  // A replica behind the badge record (an older row, or none yet): the primary has it.
  if (!row || row.version < badge.version) row = await readQuery(scope, (db) => loadBadgeImage(db, badge.id), scope.deps.db);
  scope.cache.served.add('db');
  const image = checked(row);
  if (row && kept !== undefined) scope.waitUntil(writeValueToRedis(scope, imageKey(badge.id, row.version), encodeImage(image)));
  return { image, version: row?.version ?? badge.version };
}
