/**
 * @module What a verifier needs of any Verifiable Credential, VC Data Model 1.1 or 2.0, read
 * leniently: the OB 3.0 JSON Schema is its own verdict (conformance.ts), never a reason to skip
 * the proof and status checks. 1.1 names its window `issuanceDate` / `expirationDate`, 2.0
 * `validFrom` / `validUntil`; a credential may carry both spellings (a context can map either name
 * to either term), so its window is the narrowest they give: the latest start, the earliest end.
 */
import { VC_V1_CONTEXT, VC_V2_CONTEXT } from '../../credentials/contexts.ts';

export type Node = Record<string, unknown>;
export const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);
export const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export type HeldCredential = {
  document: Node;
  version: '1.1' | '2.0';
  id: string | undefined;
  issuer: { id: string; name: string | undefined; url: string | undefined };
  validFrom: string | undefined;
  validUntil: string | undefined;
  /** `credentialStatus`, one entry or several. */
  statuses: Node[];
  subjects: Node[];
};

const validDate = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));

const STARTS = ['validFrom', 'issuanceDate'] as const;
const ENDS = ['validUntil', 'expirationDate'] as const;
/** The date of `names` that `narrower` prefers (by time), as written. */
const narrowest = (supplied: Node, names: readonly string[], narrower: (a: number, b: number) => boolean) =>
  names
    .map((name) => text(supplied[name]))
    .filter((value): value is string => value !== undefined)
    .reduce<string | undefined>(
      (best, value) => (best === undefined || narrower(Date.parse(value), Date.parse(best)) ? value : best),
      undefined,
    );

/** The credential's parts, or why it is not a Verifiable Credential at all. */
export function readCredential(supplied: unknown): HeldCredential | { problem: string } {
  if (!isNode(supplied)) return { problem: 'document: not a JSON object' };
  const contexts = listOf(supplied['@context']);
  const version = contexts[0] === VC_V2_CONTEXT ? '2.0' : contexts[0] === VC_V1_CONTEXT ? '1.1' : undefined;
  if (!version) return { problem: `@context: must start with ${VC_V2_CONTEXT} or ${VC_V1_CONTEXT}` };
  if (!listOf(supplied.type).includes('VerifiableCredential')) return { problem: 'type: must include VerifiableCredential' };
  const issuer = supplied.issuer;
  const issuerId = text(issuer) ?? (isNode(issuer) ? text(issuer.id) : undefined);
  if (!issuerId) return { problem: 'issuer: must be a URL or an object with an id' };
  const subjects = listOf(supplied.credentialSubject);
  if (!subjects.length || !subjects.every(isNode)) return { problem: 'credentialSubject: must be an object (or a list of objects)' };
  if (version === '1.1' && supplied.issuanceDate === undefined) return { problem: 'issuanceDate: required by VC Data Model 1.1' };
  for (const name of [...STARTS, ...ENDS])
    if (supplied[name] !== undefined && !validDate(supplied[name])) return { problem: `${name}: not a date-time` };
  const statuses = listOf(supplied.credentialStatus);
  if (!statuses.every(isNode)) return { problem: 'credentialStatus: must be an object (or a list of objects)' };
  return {
    document: supplied,
    version,
    id: text(supplied.id),
    issuer: { id: issuerId, name: isNode(issuer) ? text(issuer.name) : undefined, url: isNode(issuer) ? text(issuer.url) : undefined },
    validFrom: narrowest(supplied, STARTS, (a, b) => a > b),
    validUntil: narrowest(supplied, ENDS, (a, b) => a < b),
    statuses,
    subjects,
  };
}

/** The achievements a credential's subjects name (OB 3.0). */
export const achievementIdsOf = (credential: HeldCredential): string[] =>
  credential.subjects.flatMap((s) => listOf(s.achievement).flatMap((a) => (isNode(a) && typeof a.id === 'string' ? [a.id] : [])));

/** The identity objects of a credential's subjects (OB 3.0 salted hashes). */
export const identifiersOf = (credential: HeldCredential): Node[] =>
  credential.subjects.flatMap((s) => listOf(s.identifier).filter(isNode));
