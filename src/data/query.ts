/** @module Running one metered statement, with an outage turned into 503. */
import type { Database } from '../db/client.ts';
import { metered } from '../db/meter.ts';
import type { DataScope } from './scope.ts';
import { asOutage } from './unavailable.ts';

/** One statement on `db` (the read database unless said otherwise), counted in the request's meter. */
export function readQuery<T>(scope: DataScope, run: (db: Database) => Promise<T>, db: Database = scope.deps.readDb): Promise<T> {
  return metered(scope.meter, 1, () => run(db)).catch(asOutage);
}
