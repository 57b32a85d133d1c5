/** @module The one error a baked-image parser raises: a machine-readable code and a sentence. */
export class BakedImageError extends Error {
  override name = 'BakedImageError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
