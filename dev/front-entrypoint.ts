/** @module The Worker's front entrypoint as the local Workers Cache stand-in applies it: `Accept` reduced to one value per format. */
import type http from 'node:http';
import { documentTypeFor } from '../src/http/negotiation.ts';

/** The same rewrite `src/http/middleware/canonical-url.ts` makes in the Worker's default entrypoint. */
export const canonicalAccept = (headers: http.IncomingHttpHeaders): http.IncomingHttpHeaders => ({
  ...headers,
  accept: documentTypeFor(typeof headers.accept === 'string' ? headers.accept : undefined),
});
