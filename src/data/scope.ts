/** @module What the data-access functions get from the request they serve. */
import type { QueryMeter } from '../db/meter.ts';
import type { Deps } from '../deps.ts';

export type DataScope = {
  deps: Deps;
  meter: QueryMeter;
  /** Work that may finish after the response (cache refreshes). */
  waitUntil(work: Promise<unknown>): void;
};
