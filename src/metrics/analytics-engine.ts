/**
 * @module The production sink: one Workers Analytics Engine data point per request or drain run.
 * The column layout is the contract the README's SQL queries read; change both together.
 *
 * | column | request                         | drain                          |
 * | ------ | ------------------------------- | ------------------------------ |
 * | index1 | `GET /assertions/:id/verify`    | `drain`                        |
 * | blob1  | `request`                       | `drain`                        |
 * | blob2  | method                          | ``                             |
 * | blob3  | route pattern                   | ``                             |
 * | blob4  | tier: `l1` `redis` `db` `none`  | `none`                         |
 * | blob5  | purge: `none` `done` `failed`   | purge                          |
 * | blob6  | status class (`2xx`…)           | `done` or `more`               |
 * | double1 | status                         | 0                              |
 * | double2 | duration ms                    | duration ms                    |
 * | double3 | statements (request path)      | statements                     |
 * | double4 | Redis calls (request path)     | Redis calls                    |
 * | double5 | statements (with background)   | statements                     |
 * | double6 | Redis calls (with background)  | Redis calls                    |
 * | double7 | remote fetches                 | 0                              |
 * | double8 | 0                              | outbox depth after the run     |
 * | double9 | 0                              | oldest outbox row, seconds     |
 * | double10 | 0                             | rows applied                   |
 *
 * Sampling keys on index1, so every route keeps its own sample; count with `SUM(_sample_interval)`.
 */
import type { MetricPoint, MetricsSink } from './types.ts';

/** The one Analytics Engine method used. */
export type DataPointWriter = Pick<AnalyticsEngineDataset, 'writeDataPoint'>;

/** A point as Analytics Engine stores it (see the table above). */
export function dataPointOf(point: MetricPoint): AnalyticsEngineDataPoint {
  if (point.kind === 'request') {
    return {
      indexes: [`${point.method} ${point.route}`.slice(0, 96)],
      blobs: ['request', point.method, point.route, point.tier, point.purge, `${Math.floor(point.status / 100)}xx`],
      doubles: [
        point.status,
        point.durationMs,
        point.statements,
        point.redisCalls,
        point.statementsTotal,
        point.redisCallsTotal,
        point.remoteFetches,
        0,
        0,
        0,
      ],
    };
  }
  return {
    indexes: ['drain'],
    blobs: ['drain', '', '', 'none', point.purge, point.done ? 'done' : 'more'],
    doubles: [
      0,
      point.durationMs,
      point.statements,
      point.redisCalls,
      point.statements,
      point.redisCalls,
      0,
      point.depth,
      point.oldestSeconds,
      point.applied,
    ],
  };
}

/** Writes to the `METRICS` dataset; `writeDataPoint` does not wait for the platform. */
export const analyticsEngineSink = (dataset: DataPointWriter): MetricsSink => ({
  write: (point) => dataset.writeDataPoint(dataPointOf(point)),
});
