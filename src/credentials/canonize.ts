/** @module RDF Dataset Canonicalization (RDFC-1.0) of a JSON-LD document, over the bundled contexts only. */
// The browser build: jsonld's Node entry pulls in an HTTP document loader (and Node modules) that this never uses.
import jsonld from 'jsonld/dist/jsonld.esm.min.js';
import { documentLoader } from './contexts.ts';

/** Canonical N-Quads; `safe` mode refuses any term no context defines (it would not be signed). */
export function canonize(document: object): Promise<string> {
  return jsonld.canonize(document, {
    algorithm: 'RDFC-1.0',
    format: 'application/n-quads',
    documentLoader,
    safe: true,
  } as never) as unknown as Promise<string>;
}
