/**
 * @module What a verifier canonicalizes: known contexts only, and work bounded before any of it
 * is done. RDFC-1.0 costs grow faster than the document (every value a quad, every object a node,
 * identical blank nodes a deep search), so a verifier that canonicalizes whatever it is sent can
 * be held for seconds by a made-up proof. The limits sit far above any real credential (ours has
 * about 40 values and 8 objects) and keep the worst accepted document near 50 ms of CPU
 * (`npm run bench:ob3`, the "hostile" rows).
 */

export const CANONICALIZATION_BUDGET = {
  /** Every JSON value: objects, arrays, strings, numbers, booleans, nulls. */
  values: 400,
  /** Objects: each a node, most of them blank nodes that canonicalization must tell apart. */
  objects: 40,
  /** Nesting of objects and arrays. */
  depth: 16,
  /** Characters of every string and key together: each is escaped, hashed and read back from the N-Quads. */
  characters: 500_000,
} as const;

/**
 * A `@context` below the top level, or one at the top that is not a bundled URL: an inline
 * context can rename what a verifier reads (a status, an end date) without changing the signed
 * graph, so a verified document uses the known contexts only. Undefined when there is none.
 */
export function unknownContext(document: unknown, isKnown: (url: unknown) => boolean): string | undefined {
  const top = (document as { '@context'?: unknown })['@context'];
  const listed = Array.isArray(top) ? top : [top];
  if (!listed.every(isKnown)) return 'a context that is not one of the bundled ones';
  const stack: unknown[] = Object.entries(document as object).flatMap(([key, value]) => (key === '@context' ? [] : [value]));
  while (stack.length) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (!Array.isArray(value) && '@context' in value) return 'a context inside the document';
    stack.push(...(Array.isArray(value) ? value : Object.values(value)));
  }
  return undefined;
}

/** Why `document` is over the budget, or undefined when it is within it. Stops counting at the first limit passed. */
export function overBudget(document: unknown, budget = CANONICALIZATION_BUDGET): string | undefined {
  let values = 0;
  let objects = 0;
  let characters = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: document, depth: 0 }];
  while (stack.length) {
    const { value, depth } = stack.pop()!;
    if (++values > budget.values) return `more than ${budget.values} values`;
    if (typeof value === 'string') characters += value.length;
    if (characters > budget.characters) return `more than ${budget.characters} characters`;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= budget.depth) return `nested deeper than ${budget.depth}`;
    if (!Array.isArray(value) && ++objects > budget.objects) return `more than ${budget.objects} objects`;
    if (!Array.isArray(value)) for (const key of Object.keys(value)) characters += key.length;
    if (characters > budget.characters) return `more than ${budget.characters} characters`;
    const children = Array.isArray(value) ? value : Object.values(value);
    // Every pending value will count: a huge array is refused before it is walked.
    if (values + stack.length + children.length > budget.values) return `more than ${budget.values} values`;
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}
