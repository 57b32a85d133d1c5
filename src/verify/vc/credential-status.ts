/**
 * @module A credential's status, each entry checked: W3C Bitstring Status List
 * (`BitstringStatusListEntry`), its predecessor `StatusList2021Entry`, and `1EdTechRevocationList`.
 * Lists of this deployment come from its own tiers; any other list through the safe fetcher as a
 * `status` document (kept at most REMOTE_STATUS_TTL_SECONDS, never served stale), and it vouches
 * only when the credential's issuer signed it, it is valid now, and its purpose is the entry's.
 */
import { isUnavailable, RemoteFetchError, type RemoteSession } from '../../remote/types.ts';
import { type HeldCredential, isNode, listOf, type Node, readCredential } from './credential-shape.ts';

export type StatusVerdict = 'active' | 'revoked' | 'suspended' | 'none' | 'not checked: unsupported' | 'unverifiable' | 'invalid';
export type StatusOutcome = { verdict: StatusVerdict; message: string };

/** What checking a status needs from the rest of verification. */
export type StatusContext = {
  session: RemoteSession;
  now: Date;
  /** A list of this deployment, from its tiers: its bit, or undefined when it is not one of ours; `null` when ours but missing. */
  ownBit(listUrl: string, index: number): Promise<boolean | null | undefined>;
  /** Whether the status list credential at `url` has proofs that hold, made by `issuer`'s key: undefined when they do, else why not. */
  signedBy(url: string, list: Node, issuer: string): Promise<{ problem: string; unverifiable?: boolean } | undefined>;
};

const LIST_TYPES: Record<string, { credential: string; subject: string }> = {
  BitstringStatusListEntry: { credential: 'BitstringStatusListCredential', subject: 'BitstringStatusList' },
  StatusList2021Entry: { credential: 'StatusList2021Credential', subject: 'StatusList2021' },
};

/** The list document, or the outcome when there is none; wrapped, so no property of a remote document can pass for an outcome. */
async function fetchStatusDocument(session: RemoteSession, url: string): Promise<{ list: Node } | { outcome: StatusOutcome }> {
  try {
    const answer = await session.fetchDocument(url, 'status');
    if (answer.status !== 200)
      return { outcome: { verdict: 'unverifiable', message: `Its status list ${url} answered ${answer.status}.` } };
    const parsed: unknown = JSON.parse(answer.body);
    return isNode(parsed) ? { list: parsed } : { outcome: { verdict: 'invalid', message: `Its status list ${url} is not a JSON object.` } };
  } catch (error) {
    if (error instanceof RemoteFetchError)
      return {
        outcome: {
          verdict: isUnavailable(error) ? 'unverifiable' : 'invalid',
          message: `Its status list ${url} could not be fetched (${error.code}): its status is unknown.`,
        },
      };
    return { outcome: { verdict: 'invalid', message: `Its status list ${url} is not JSON.` } };
  }
}

const PURPOSES = new Set(['revocation', 'suspension']);
/** The widest status entry read (Bitstring `statusSize`, in bits): wider ones are for messages, not validity. */
const MAX_STATUS_SIZE = 8;

/** One Bitstring or Status List 2021 entry. */
async function checkListEntry(
  entry: Node,
  kind: { credential: string; subject: string },
  issuer: string,
  context: StatusContext,
): Promise<StatusOutcome> {
  const purpose = String(entry.statusPurpose ?? '').toLowerCase();
  const url = entry.statusListCredential;
  const index = String(entry.statusListIndex ?? '');
  // Other purposes (refresh, message) say nothing about validity.
  if (!PURPOSES.has(purpose)) return { verdict: 'none', message: `Its status purpose ${purpose || '(none)'} says nothing about validity.` };
  if (typeof url !== 'string' || !/^(0|[1-9][0-9]{0,8})$/.test(index))
    return { verdict: 'invalid', message: 'Its status entry has no list URL or no valid index.' };
  // Bitstring Status List: an entry of `statusSize` bits occupies bits index × size … index × size + size − 1; any nonzero value counts.
  const size = entry.statusSize ?? 1;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_STATUS_SIZE)
    return { verdict: 'invalid', message: `Its status entry's statusSize is not a whole number from 1 to ${MAX_STATUS_SIZE}.` };
  const positions = Array.from({ length: size }, (_, bit) => Number(index) * size + bit);
  let own: boolean | null | undefined = false;
  for (const position of positions) {
    const read = await context.ownBit(url, position);
    if (read === null || read === undefined) {
      own = read;
      break;
    }
    own ||= read;
  }
  if (own === null) return { verdict: 'revoked', message: 'Its status list of this deployment does not exist: nothing vouches for it.' };
  if (own === undefined) {
    const fetched = await fetchStatusDocument(context.session, url);
    if ('outcome' in fetched) return fetched.outcome;
    const { list } = fetched;
    const problem = await listProblem(list, kind, purpose, issuer, url, context);
    if (problem) return problem;
    const subject = list.credentialSubject as Node;
    let set = false;
    for (const position of positions) {
      const bit = await context.session.readStatusBit(String(subject.encodedList), position);
      if (bit === 'over_budget')
        return { verdict: 'unverifiable', message: `Its status list ${url} was not read: this request decompressed as much as it may.` };
      if (bit === undefined) return { verdict: 'invalid', message: `Its status list ${url} cannot be read at index ${index}.` };
      set ||= bit;
    }
    return verdictOf(set, purpose, url);
  }
  return verdictOf(own, purpose, url);
}

function verdictOf(bit: boolean, purpose: string, url: string): StatusOutcome {
  if (!bit)
    return {
      verdict: 'active',
      message: `Its status list (${purpose}) says it is not ${purpose === 'revocation' ? 'revoked' : 'suspended'}.`,
    };
  return purpose === 'revocation'
    ? { verdict: 'revoked', message: `Its status list ${url} says it is revoked.` }
    : { verdict: 'suspended', message: `Its status list ${url} says it is suspended.` };
}

/** Why a remote status list cannot vouch: not a list of this kind and purpose, not the issuer's, not valid now, or its proof. */
async function listProblem(
  list: Node,
  kind: { credential: string; subject: string },
  purpose: string,
  issuer: string,
  url: string,
  context: StatusContext,
): Promise<StatusOutcome | undefined> {
  const read = readCredential(list);
  const invalid = (why: string): StatusOutcome => ({ verdict: 'invalid', message: `Its status list ${url} ${why}.` });
  if ('problem' in read) return invalid(`is not a credential (${read.problem})`);
  if (!listOf(list.type).includes(kind.credential)) return invalid(`is not a ${kind.credential}`);
  const subject = read.subjects[0]!;
  if (!listOf(subject.type).includes(kind.subject) || typeof subject.encodedList !== 'string') return invalid(`holds no ${kind.subject}`);
  if (String(subject.statusPurpose ?? '').toLowerCase() !== purpose) return invalid(`is for another purpose than ${purpose}`);
  if (read.issuer.id !== issuer) return invalid(`is issued by ${read.issuer.id}, not by the credential's issuer`);
  const now = context.now.getTime();
  if (read.validFrom && Date.parse(read.validFrom) > now) return invalid('is not valid yet');
  if (read.validUntil && Date.parse(read.validUntil) <= now) return invalid('has expired');
  const signed = await context.signedBy(url, list, issuer);
  if (signed) return { verdict: signed.unverifiable ? 'unverifiable' : 'invalid', message: `Its status list ${url}: ${signed.problem}.` };
  return undefined;
}

/** A 1EdTech Revocation List: a document at the entry's `id` listing revoked credential ids. */
async function checkRevocationList(entry: Node, credential: HeldCredential, context: StatusContext): Promise<StatusOutcome> {
  const url = entry.id;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url))
    return { verdict: 'invalid', message: 'Its 1EdTechRevocationList entry names no list URL.' };
  const fetched = await fetchStatusDocument(context.session, url);
  if ('outcome' in fetched) return fetched.outcome;
  const { list } = fetched;
  const issuer = isNode(list.issuer) ? list.issuer.id : list.issuer;
  if (issuer !== undefined && issuer !== credential.issuer.id)
    return { verdict: 'invalid', message: `Its revocation list ${url} is another issuer's.` };
  const revoked = listOf(list.revokedCredentials ?? list.revokedAssertions).some(
    (item) => (isNode(item) ? item.id : item) === credential.id && (!isNode(item) || item.revoked !== false),
  );
  return revoked
    ? { verdict: 'revoked', message: `Its revocation list ${url} lists it as revoked.` }
    : { verdict: 'active', message: `Its revocation list ${url} does not list it.` };
}

const RANK: StatusVerdict[] = ['invalid', 'revoked', 'suspended', 'unverifiable', 'not checked: unsupported', 'active', 'none'];

/** Status entries checked on one credential: real ones carry one or two (revocation, suspension), each a fetch and a list. */
export const MAX_STATUS_ENTRIES = 8;

/** Every status entry checked side by side; the verdict is the gravest of them. */
export async function checkStatus(credential: HeldCredential, context: StatusContext): Promise<StatusOutcome> {
  if (!credential.statuses.length) return { verdict: 'none', message: 'It names no status list.' };
  if (credential.statuses.length > MAX_STATUS_ENTRIES)
    return { verdict: 'invalid', message: `It names ${credential.statuses.length} status entries, more than ${MAX_STATUS_ENTRIES}.` };
  const outcomes = await Promise.all(
    credential.statuses.map((entry) => {
      const type = listOf(entry.type).map(String);
      const list = type.map((t) => LIST_TYPES[t]).find(Boolean);
      if (list) return checkListEntry(entry, list, credential.issuer.id, context);
      if (type.includes('1EdTechRevocationList')) return checkRevocationList(entry, credential, context);
      return {
        verdict: 'not checked: unsupported' as const,
        message: `Its status type ${type.join(', ') || '(none)'} is not one this verifier checks.`,
      };
    }),
  );
  return outcomes.sort((a, b) => RANK.indexOf(a.verdict) - RANK.indexOf(b.verdict))[0]!;
}
