/** @module RDF Dataset Canonicalization (RDFC-1.0) of a JSON-LD document, over the bundled contexts (and the caller's remote ones). */
// The browser build: jsonld's Node entry pulls in an HTTP document loader (and Node modules) that this never uses.
import jsonld from 'jsonld/dist/jsonld.esm.min.js';
import { documentLoaderWith, type RemoteContexts } from './contexts.ts';

const bundledOnly = documentLoaderWith();

/** Canonical N-Quads; `safe` mode refuses any term no context defines, or a value it would drop (it would not be signed). */
export function canonize(document: object, remote?: RemoteContexts): Promise<string> {
  return jsonld.canonize(document, {
    algorithm: 'RDFC-1.0',
    format: 'application/n-quads',
    documentLoader: remote ? documentLoaderWith(remote) : bundledOnly,
    safe: true,
  } as never) as unknown as Promise<string>;
}
