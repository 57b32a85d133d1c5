/**
 * @module A bound on the JSON a verifier parses, counted before `JSON.parse` runs: 2 MiB of short
 * values takes V8 about 90 ms to parse, where a scan of the text takes a few. Real documents
 * (a credential, an assertion with an embedded image) hold a few hundred values; their size is
 * in long strings, which cost little.
 */
import { DomainError } from '../errors.ts';

/** The most values (roughly: commas and colons outside strings) a supplied JSON document may hold. */
export const MAX_JSON_VALUES = 20_000;

/** Whether `text` holds more than `limit` JSON values, counted without parsing. */
function holdsMoreValuesThan(text: string, limit: number): boolean {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    // Commas and colons: one per further array item or object member. (Nesting alone is JSON.parse's to refuse.)
    else if ((c === 0x2c || c === 0x3a) && ++count > limit) return true;
  }
  return false;
}

/** Refuses (422 `json_too_complex`) a JSON text with more values than a verifier parses. */
export function checkJsonComplexity(text: string, what: string): void {
  if (holdsMoreValuesThan(text, MAX_JSON_VALUES))
    throw new DomainError('invalid_value', 'json_too_complex', `The ${what} holds more than ${MAX_JSON_VALUES} JSON values.`);
}
