/** @module Bounding how long a dependency may take. */

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Resolves as `work` does, or rejects with `TimeoutError` after `ms`. */
export function withTimeLimit<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => timer !== null && clearTimeout(timer));
}
