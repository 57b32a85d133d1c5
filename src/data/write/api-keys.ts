/** @module A key's last use, written at most once a minute per key and isolate, off the request path. */
import { touchApiKey } from '../../db/writes.ts';
import { readQuery } from '../query.ts';
import { type DataScope, inBackground } from '../scope.ts';

const TOUCH_EVERY_MS = 60_000;
const touched = new Map<string, number>();

export function recordKeyUse(scope: DataScope, keyId: string): void {
  const now = Date.now();
  if ((touched.get(keyId) ?? 0) > now - TOUCH_EVERY_MS) return;
  touched.set(keyId, now);
  if (touched.size > 10_000) touched.clear();
  inBackground(
    scope,
    'API key last use',
    readQuery(scope, (db) => touchApiKey(db, keyId), scope.deps.db),
  );
}
