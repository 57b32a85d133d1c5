/** @module Per-request accounting of database work, reported in Server-Timing. */

export type QueryMeter = {
  /** SQL statements sent. */
  statements: number;
  /** Database HTTP requests sent (a batch of statements is one). */
  requests: number;
  /** Wall time spent waiting for the database, in milliseconds. */
  milliseconds: number;
};

export const newQueryMeter = (): QueryMeter => ({ statements: 0, requests: 0, milliseconds: 0 });

/** Runs one database request of `statements` statements and accounts for it. */
export async function metered<T>(meter: QueryMeter, statements: number, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    meter.statements += statements;
    meter.requests += 1;
    meter.milliseconds += performance.now() - started;
  }
}
