/**
 * @module Canonical N-Quads (RDFC-1.0 output) back into quads: what a proof actually signs, so a
 * verifier can read its facts from the graph rather than from JSON keys, which a context can
 * rename. Only the canonical form is read (one space between terms, `\"`, `\\`, `\n`, `\r` and
 * `\u` escapes in literals); anything else is refused.
 */

export type Term = { kind: 'iri' | 'blank'; value: string } | { kind: 'literal'; value: string; datatype?: string; language?: string };
export type Quad = { subject: Term; predicate: string; object: Term; graph?: Term };

const IRI = /^<([^>]*)>/;
const BLANK = /^(_:[A-Za-z0-9_.-]+)/;
const LITERAL_SUFFIX = /^(?:\^\^<([^>]*)>|@([A-Za-z0-9-]+))?/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

const unescaped = (text: string) =>
  text.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_, code: string) =>
    code.length > 1 ? String.fromCodePoint(Number.parseInt(code.slice(1), 16)) : (ESCAPES[code] ?? code),
  );

function term(rest: string): { term: Term; rest: string } {
  const iri = IRI.exec(rest);
  if (iri) return { term: { kind: 'iri', value: iri[1]! }, rest: rest.slice(iri[0].length) };
  const blank = BLANK.exec(rest);
  if (blank) return { term: { kind: 'blank', value: blank[1]! }, rest: rest.slice(blank[0].length) };
  if (rest.startsWith('"')) {
    // Scanned, not matched: a pattern with alternation per character is slow on a long literal.
    let end = 1;
    while (end < rest.length && rest[end] !== '"') end += rest[end] === '\\' ? 2 : 1;
    if (end < rest.length) {
      const [suffix, datatype, language] = LITERAL_SUFFIX.exec(rest.slice(end + 1))!;
      return {
        term: { kind: 'literal', value: unescaped(rest.slice(1, end)), ...(datatype && { datatype }), ...(language && { language }) },
        rest: rest.slice(end + 1 + suffix.length),
      };
    }
  }
  throw new Error(`not canonical N-Quads near: ${rest.slice(0, 40)}`);
}

/** The quads of a canonical N-Quads document. */
export function parseNQuads(text: string): Quad[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const terms: Term[] = [];
      let rest = line;
      while (rest !== '.') {
        const next = term(rest);
        terms.push(next.term);
        rest = next.rest.replace(/^ /, '');
        if (terms.length > 4) break;
      }
      const [subject, predicate, object, graph] = terms;
      if (rest !== '.' || !subject || predicate?.kind !== 'iri' || !object) throw new Error(`not a canonical quad: ${line.slice(0, 80)}`);
      return { subject, predicate: predicate.value, object, ...(graph && { graph }) };
    });
}
