/** @module The one error a baked-image parser raises: a value that is not a usable badge image, with a machine-readable code. */
import { DomainError } from '../../lib/errors.ts';

export class BakedImageError extends DomainError {
  override name = 'BakedImageError';
  constructor(code: string, message: string) {
    super('invalid_value', code, message);
  }
}
