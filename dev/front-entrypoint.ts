/** @module The Worker's front entrypoint as the local Workers Cache stand-in applies it: `Accept` reduced to one value per format. */
import type http from 'node:http';
import { documentTypeFor } from '../src/routes/json-ld.ts';

/** The same rewrite `src/canonical-url.ts` makes in the Worker's default entrypoint. */
export const canonicalAccept = (headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders => ({
  ...headers,
  accept: documentTypeFor(typeof headers.accept === 'string' ? headers.accept : undefined),
});
