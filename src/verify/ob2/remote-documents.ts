/**
 * @module The documents one remote verification reads: each URL asked once through the session,
 * every answer sorted into what a verdict can use, and what went wrong noted in the findings.
 */
import { DomainError } from '../../lib/errors.ts';
import { looksLikeJws } from '../../openbadges/jws.ts';
import { hasOb2Context, isObject, type Json, parseObject, text } from '../../openbadges/ob2-shape.ts';
import { type RemoteFailure, RemoteFetchError, type RemoteKind, type RemoteSession } from '../../remote/types.ts';
import { checkJsonComplexity, MAX_JSON_DEPTH, MAX_JSON_VALUES } from '../json-limit.ts';
import { type Findings, noteFailedFetch, shown } from './remote-findings.ts';

/** One answer, sorted: a JSON object, a compact JWS, a 404 / 410 (with its body, if JSON), unreadable, or no answer. */
export type Answer =
  | { kind: 'json'; url: string; document: Json }
  | { kind: 'jws'; url: string; jws: string }
  | { kind: 'gone'; url: string; status: 404 | 410; document: Json | undefined }
  | { kind: 'malformed'; url: string; problem: string }
  | { kind: 'failed'; url: string; code: RemoteFailure; message: string };

/** The answer for `url`; `jws` also takes a compact JWS (an assertion URL may serve a signed badge). Never rejects for a remote failure. */
export type Documents = (url: string, kind: RemoteKind, jws?: 'or-jws') => Promise<Answer>;

export const isHttpUrl = (url: string): boolean => {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
};

/** Whether a stranger's JSON is worth parsing: the fetcher caps its size, not how many values it holds or how deep it nests. */
function tooComplex(body: string): boolean {
  try {
    checkJsonComplexity(body, 'document');
    return false;
  } catch (error) {
    if (error instanceof DomainError) return true;
    throw error;
  }
}

async function answerFor(session: RemoteSession, url: string, kind: RemoteKind, jws: boolean): Promise<Answer> {
  // An id that is no URL (urn:uuid, say) is not the session's to refuse: nothing was asked of the network.
  if (!isHttpUrl(url)) return { kind: 'failed', url, code: 'refused_url', message: 'It is not an HTTP(S) URL.' };
  try {
    const answer = await session.fetchDocument(url, kind, jws ? 'json-or-jwt' : 'json');
    if (answer.status !== 200)
      return { kind: 'gone', url, status: answer.status, document: tooComplex(answer.body) ? undefined : parseObject(answer.body) };
    if (jws && (answer.contentType === 'application/jwt' || looksLikeJws(answer.body)))
      return { kind: 'jws', url, jws: answer.body.trim() };
    if (tooComplex(answer.body))
      return { kind: 'malformed', url, problem: `it holds more than ${MAX_JSON_VALUES} values or nests deeper than ${MAX_JSON_DEPTH}` };
    const document = parseObject(answer.body);
    return document ? { kind: 'json', url, document } : { kind: 'malformed', url, problem: 'it is not a JSON object' };
  } catch (error) {
    if (error instanceof RemoteFetchError) return { kind: 'failed', url, code: error.code, message: error.message };
    throw error;
  }
}

/** Documents through `session`, each URL asked (and parsed) once however many checks need it. */
export function remoteDocuments(session: RemoteSession): Documents {
  const asked = new Map<string, Promise<Answer>>();
  return (url, kind, jws) => {
    let answer = asked.get(url);
    if (!answer) {
      answer = answerFor(session, url, kind, jws === 'or-jws');
      asked.set(url, answer);
    }
    return answer;
  };
}

/** The JSON document at `url` (`what` it is, for messages), noting in `f` why there is none to use, or that its id is elsewhere. */
export async function readDocument(docs: Documents, f: Findings, url: string, what: string, kind: RemoteKind): Promise<Json | undefined> {
  const answer = await docs(url, kind);
  switch (answer.kind) {
    case 'json':
      f.read++;
      if (text(answer.document.id) !== url) f.misplaced.push(`The ${what} at ${url} says its id is ${shown(answer.document.id)}.`);
      return answer.document;
    case 'failed':
      noteFailedFetch(f, what, url, answer.code, answer.message);
      return undefined;
    case 'gone':
      f.unfetched.push(`The ${what} at ${url} answered ${answer.status}.`);
      return undefined;
    case 'malformed':
      f.malformed.push(`The ${what} at ${url} is refused: ${answer.problem}.`);
      return undefined;
    default:
      f.malformed.push(`The ${what} at ${url} is a JWS, not a JSON object.`);
      return undefined;
  }
}

/**
 * A badge class or issuer, fetched (kind `definition`) from its IRI. An embedded one is used as it
 * is only when its id is no URL: an embedded copy of an HTTP(S) id is the holder's word, and would
 * let anyone claim a real issuer's id with a verification policy or key list of their own.
 */
async function definition(docs: Documents, f: Findings, reference: unknown, what: string): Promise<Json | undefined> {
  if (isObject(reference) && !isHttpUrl(text(reference.id))) return reference;
  const url = isObject(reference) ? text(reference.id) : text(reference);
  if (!url) {
    f.malformed.push(`It names no ${what} (neither an IRI nor an embedded object).`);
    return undefined;
  }
  const document = await readDocument(docs, f, url, what, 'definition');
  if (document && !hasOb2Context(document)) f.contextless.push(`The ${what} at ${url} does not use the Open Badges 2.0 JSON-LD context.`);
  return document;
}

/** The assertion's badge class, then the issuer it names: one after the other, since the issuer is known only from the badge class. */
export async function badgeAndIssuer(docs: Documents, f: Findings, assertion: Json): Promise<{ badge?: Json; issuer?: Json }> {
  const badge = await definition(docs, f, assertion.badge, 'badge class');
  const issuer = badge && (await definition(docs, f, badge.issuer, 'issuer profile'));
  f.badge = badge;
  f.issuer = issuer;
  return { badge, issuer };
}
