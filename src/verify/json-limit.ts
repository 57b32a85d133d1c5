/**
 * @module A bound on the JSON a verifier parses, counted before `JSON.parse` runs: 2 MiB of short
 * values takes V8 about 90 ms to parse, where a scan of the text takes a few. Real documents
 * (a credential, an assertion with an embedded image) hold a few hundred values; their size is
 * in long strings, which cost little.
 */
import { DomainError } from '../lib/errors.ts';

/** The most values (roughly: commas and colons outside strings) a supplied JSON document may hold. */
export const MAX_JSON_VALUES = 20_000;
/** The deepest nesting of arrays and objects: `JSON.parse` takes deep nesting slowly rather than refusing it. */
export const MAX_JSON_DEPTH = 64;

/** What is wrong with `text` for a verifier to parse (too many values, too deep), or undefined. */
function tooComplex(text: string): 'values' | 'depth' | undefined {
  let count = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    // Commas and colons: one per further array item or object member.
    else if (c === 0x2c || c === 0x3a) {
      if (++count > MAX_JSON_VALUES) return 'values';
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return 'depth';
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

/** Refuses a JSON text with more values (422 `json_too_complex`) or deeper nesting (400 `invalid_body`) than a verifier parses. */
export function checkJsonComplexity(text: string, what: string): void {
  const problem = tooComplex(text);
  if (problem === 'values')
    throw new DomainError('invalid_value', 'json_too_complex', `The ${what} holds more than ${MAX_JSON_VALUES} JSON values.`);
  if (problem === 'depth') throw new DomainError('malformed', 'invalid_body', `The ${what} is nested deeper than ${MAX_JSON_DEPTH}.`);
}
