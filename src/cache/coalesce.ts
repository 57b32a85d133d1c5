/**
 * @module In-flight coalescing: concurrent misses for one key in this isolate make one call to
 * the tiers below. A load is joined only while it is young: a request that arrives later (say,
 * after a write elsewhere answered) must not inherit data read before it, beyond the same bound
 * that L1 keeps. A write in this isolate ends every load's joining (`forget`) and its
 * `generation`: a load that sees the generation change ran across a write here, so what it read
 * may predate that write, and it keeps nothing in L1.
 */

export class Coalescer {
  readonly #inFlight = new Map<string, { promise: Promise<unknown>; startedAt: number }>();
  #generation = 0;

  /** Runs `load` once for the callers of `key` that arrive within `joinWithinMs` of its start; later callers start their own. */
  run<T>(key: string, load: () => Promise<T>, joinWithinMs: number): Promise<T> {
    const pending = this.#inFlight.get(key);
    if (pending && Date.now() - pending.startedAt <= joinWithinMs) return pending.promise as Promise<T>;
    const promise = load().finally(() => {
      if (this.#inFlight.get(key)?.promise === promise) this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, { promise, startedAt: Date.now() });
    return promise;
  }

  /** Changes with every write in this isolate (`forget`): a load compares it with the one it began in. */
  get generation(): number {
    return this.#generation;
  }

  /** After a write in this isolate: loads already running finish for their callers, but nobody new joins them. */
  forget(): void {
    this.#inFlight.clear();
    this.#generation++;
  }
}
