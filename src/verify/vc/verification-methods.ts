/**
 * @module Whose key made a proof: a verification method resolved to its key and controller.
 * did:key and did:jwk resolve offline; a did:web of this deployment from its own tiers; any other
 * did:web (`https://host/…/did.json`) and HTTP(S) key URLs through the safe fetcher, kept as
 * definitions. A key must be listed for assertions by the document that controls it.
 */
import type { MethodProblem, MethodResolution, MethodResolver } from '../../credentials/data-integrity.ts';
import { keyOfMethod } from '../../credentials/public-keys.ts';
import { resolveSelfDescribing } from '../../credentials/self-describing-dids.ts';
import { isUnavailable, RemoteFetchError, type RemoteSession } from '../../remote/types.ts';
import type { LocalSources } from '../local-sources.ts';
import { isNode, listOf, type Node } from './credential-shape.ts';

/** The URL of a did:web's DID document (did:web method spec §3.2): host (`%3A` for a port), then path segments. */
export function didWebUrl(did: string): string | undefined {
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  if (!host) return undefined;
  try {
    const authority = decodeURIComponent(host).toLowerCase();
    const url = new URL(`https://${authority}`);
    // The host (and port) exactly as the DID spells it: a decoded `@`, `/` or `?` would send the request elsewhere.
    if (url.host !== authority || url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    const segments = path.map(decodeURIComponent);
    return segments.length ? `${url.origin}/${segments.join('/')}/did.json` : `${url.origin}/.well-known/did.json`;
  } catch {
    return undefined;
  }
}

/** A remote document as JSON, or why not (`unverifiable` when it could not be fetched); wrapped, so no property of it can pass for a problem. */
async function fetchNode(session: RemoteSession, url: string): Promise<{ node: Node } | MethodProblem> {
  try {
    const answer = await session.fetchDocument(url, 'definition');
    if (answer.status !== 200) return { problem: `${url} answered ${answer.status}` };
    const parsed: unknown = JSON.parse(answer.body);
    return isNode(parsed) ? { node: parsed } : { problem: `${url} is not a JSON object` };
  } catch (error) {
    if (error instanceof RemoteFetchError)
      return { problem: `${url} could not be fetched (${error.code}: ${error.message})`, unverifiable: isUnavailable(error) };
    return { problem: `${url} is not JSON` };
  }
}

/** Whether a relationship (`assertionMethod`, …) of `document` lists `id` (by id, relative `#…`, or embedded). */
function lists(document: Node, relationship: string, id: string): boolean {
  const base = String(document.id ?? '');
  return listOf(document[relationship]).some((entry) => {
    const ref = typeof entry === 'string' ? entry : isNode(entry) ? String(entry.id ?? '') : '';
    return ref === id || (ref.startsWith('#') && `${base}${ref}` === id);
  });
}

/** The verification method `id` inside a controller document: its `verificationMethod` list, an embedded one, or the document itself. */
function methodIn(document: Node, id: string): Node | undefined {
  const base = String(document.id ?? '');
  const candidates = [document, ...['verificationMethod', 'assertionMethod', 'publicKey'].flatMap((r) => listOf(document[r]))];
  return candidates.filter(isNode).find((node) => node.id === id || (String(node.id ?? '').startsWith('#') && `${base}${node.id}` === id));
}

async function resolveDidWeb(session: RemoteSession, method: string, did: string): Promise<MethodResolution> {
  const url = didWebUrl(did);
  if (!url) return { problem: `${did} is not a valid did:web` };
  const fetched = await fetchNode(session, url);
  if (!('node' in fetched)) return fetched;
  const document = fetched.node;
  if (document.id !== did) return { problem: `the DID document at ${url} is not ${did}'s` };
  const node = methodIn(document, method);
  if (!node) return { problem: `${did}'s DID document has no key ${method}` };
  if (!lists(document, 'assertionMethod', method)) return { problem: `${did}'s DID document does not list ${method} for assertions` };
  if (node.controller !== undefined && node.controller !== did) return { problem: `${method} is controlled by another DID` };
  const key = await keyOfMethod(node);
  return key ? { key, controller: did } : { problem: `${method} is not a supported key type` };
}

/**
 * An HTTP(S) key URL. The key document says who controls it, but only the controller's own
 * document, fetched from the controller's URL, can vouch for the key: a document speaks for its
 * own URL only, so a key document that claims to be someone else's profile proves nothing.
 */
async function resolveKeyUrl(session: RemoteSession, method: string): Promise<MethodResolution> {
  const url = method.split('#')[0]!;
  const fetched = await fetchNode(session, url);
  if (!('node' in fetched)) return fetched;
  const document = fetched.node;
  if (document.id !== url && document.id !== method) return { problem: `the document at ${url} names itself ${String(document.id)}` };
  const node = methodIn(document, method);
  if (!node) return { problem: `${url} holds no key ${method}` };
  const controller = node.controller ?? node.owner ?? (node === document ? undefined : document.id);
  if (typeof controller !== 'string') return { problem: `the key ${method} names no controller` };
  if (!/^https:\/\//.test(controller)) return { problem: `the key ${method} names a controller that is not an HTTPS URL` };
  const key = await keyOfMethod(node);
  if (!key) return { problem: `${method} is not a supported key type` };
  return {
    key,
    controller,
    async confirm() {
      const found = controller === url ? { node: document } : await fetchNode(session, controller);
      if (!('node' in found)) return { ...found, problem: `its controller ${found.problem}` };
      const owner = found.node;
      if (owner.id !== controller) return { problem: `the document at ${controller} names itself ${String(owner.id)}` };
      return lists(owner, 'assertionMethod', method)
        ? undefined
        : { problem: `its controller ${controller} does not list the key for assertions` };
    },
  };
}

/** A did:web of this deployment: the key is the method's multibase fragment, and must be one the issuer ever had (tiers, then the primary). */
function resolveOwnDidWeb(
  local: LocalSources,
  method: string,
  did: string,
  issuerId: string,
): Promise<MethodResolution> | MethodResolution {
  const keyId = method.slice(did.length + 1);
  return resolveSelfDescribing(`did:key:${keyId}`).then((found) => {
    if (!found || 'problem' in found || method !== `${did}#${keyId}`)
      return { problem: 'the verification method is not a DID URL naming one multibase key' };
    return {
      key: found.key,
      controller: did,
      async confirm() {
        const had = (await local.issuerKeys(issuerId))?.includes(keyId) || (await local.issuerKeys(issuerId, true))?.includes(keyId);
        return had ? undefined : { problem: "its key is not in the issuer's DID document" };
      },
    };
  });
}

/** Resolves verification methods for one verification; the same method is resolved once. */
export function methodResolver(local: LocalSources, session: RemoteSession): MethodResolver {
  const resolved = new Map<string, Promise<MethodResolution>>();
  const resolve = async (method: string): Promise<MethodResolution> => {
    const self = await resolveSelfDescribing(method);
    if (self) return self;
    const did = method.split('#')[0]!;
    if (did.startsWith('did:web:')) {
      const ours = local.issuerOfWeb(did);
      return ours ? resolveOwnDidWeb(local, method, did, ours) : resolveDidWeb(session, method, did);
    }
    if (did.startsWith('did:')) return { problem: `${did.split(':').slice(0, 2).join(':')} is not a DID method this verifier resolves` };
    if (/^https?:\/\//.test(method)) return resolveKeyUrl(session, method);
    return { problem: 'the verification method is neither a DID URL nor an HTTP(S) URL' };
  };
  return (method) => {
    const found = resolved.get(method) ?? resolve(method);
    resolved.set(method, found);
    return found;
  };
}
