/** @module In-flight coalescing: concurrent misses for one key in this isolate make one call to the tiers below. */

export class Coalescer {
  readonly #inFlight = new Map<string, Promise<unknown>>();

  /** Runs `load` once for all concurrent callers of `key`; later callers share its promise. */
  run<T>(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const promise = load().finally(() => {
      if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, promise);
    return promise;
  }

  /** After a write in this isolate: loads already running finish for their callers, but nobody new joins them. */
  forget(): void {
    this.#inFlight.clear();
  }
}
