/**
 * @module The facts a verdict relies on, read twice: from the JSON the verifier parsed, and from
 * the canonical graph the proof signs. A context (inline, or a term mapped to a full IRI) can
 * rename a JSON key without changing the graph, so a revoked credential could hide its status,
 * or an expired one its end date, under a proof that still holds. The two readings must agree.
 */
import type { Quad, Term } from '../../credentials/nquads.ts';
import { achievementIdsOf, type HeldCredential, identifiersOf } from './credential-shape.ts';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const CRED = 'https://www.w3.org/2018/credentials#';
/** Where status terms live: Bitstring Status List (VC 2.0) and Status List 2021. */
const STATUS = ['https://www.w3.org/ns/credentials/status#', 'https://w3id.org/vc/status-list#'];
const OB = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#';
/** `achievement` as the OB 3.0 contexts map it: 3.0.0 `#Achievement`, 3.0.1–3.0.2 `#achievement-0`, 3.0.3 `#achievement`. */
const ACHIEVEMENT = [`${OB}achievement`, `${OB}achievement-0`, `${OB}Achievement`];

/** A status entry as the verdict reads it: its type's name, purpose, index and list (or, for a revocation list, its id). */
type StatusFact = {
  type: string;
  id?: string | undefined;
  purpose?: string | undefined;
  index?: string | undefined;
  list?: string | undefined;
};
type SubjectFact = { achievements: string[]; identifiers: string[] };

/** What the verdict reads: who issued it, when it is valid, its status entries, whom and what it is about. */
export type CredentialFacts = {
  id: string;
  issuer: string[];
  validFrom: string[];
  validUntil: string[];
  status: StatusFact[];
  subjects: SubjectFact[];
};

const identifierFact = (type: unknown, hash: unknown, salt: unknown, hashed: unknown) =>
  JSON.stringify([type ?? null, hash ?? null, salt ?? null, hashed === undefined ? null : String(hashed)]);

const str = (value: unknown) => (value === undefined ? undefined : String(value));
/** A type's local name: what is after the last `#` or `/` of its IRI (a JSON term is its own name). */
const localName = (type: string) => type.slice(Math.max(type.lastIndexOf('#'), type.lastIndexOf('/')) + 1);

/** The facts as the JSON says them. */
export function factsOfJson(credential: HeldCredential): CredentialFacts {
  const { document } = credential;
  const dates = (...names: string[]) => names.flatMap((name) => (typeof document[name] === 'string' ? [document[name] as string] : []));
  return {
    id: credential.id ?? '',
    issuer: [credential.issuer.id],
    validFrom: dates('validFrom', 'issuanceDate'),
    validUntil: dates('validUntil', 'expirationDate'),
    status: credential.statuses.map((entry) => ({
      type: [entry.type].flat().map(String).map(localName).sort().join(' '),
      id: str(entry.id),
      purpose: str(entry.statusPurpose),
      index: str(entry.statusListIndex),
      list: str(entry.statusListCredential),
    })),
    subjects: [
      {
        achievements: achievementIdsOf(credential),
        identifiers: identifiersOf(credential).map((i) => identifierFact(i.identityType, i.identityHash, i.salt, i.hashed)),
      },
    ],
  };
}

const key = (term: Term) => `${term.kind}:${term.value}`;

/** The facts as the signed graph says them; a problem when it does not hold exactly one credential. */
export function factsOfGraph(quads: readonly Quad[]): CredentialFacts | { problem: string } {
  const bySubject = new Map<string, Quad[]>();
  for (const quad of quads) {
    if (quad.graph) continue; // Named graphs (an embedded proof, a presentation) are not the credential's own statements.
    const list = bySubject.get(key(quad.subject)) ?? [];
    list.push(quad);
    bySubject.set(key(quad.subject), list);
  }
  const objects = (node: Term, predicate: string) =>
    (bySubject.get(key(node)) ?? []).filter((q) => q.predicate === predicate).map((q) => q.object);
  const values = (node: Term, predicate: string) => objects(node, predicate).map((t) => t.value);
  const one = (node: Term, predicate: string) => values(node, predicate)[0];

  const credentials = quads.filter((q) => !q.graph && q.predicate === RDF_TYPE && q.object.value === `${CRED}VerifiableCredential`);
  if (credentials.length !== 1) return { problem: `the signed graph holds ${credentials.length} credentials` };
  const credential = credentials[0]!.subject;
  return {
    id: credential.kind === 'iri' ? credential.value : '',
    issuer: values(credential, `${CRED}issuer`),
    validFrom: [...values(credential, `${CRED}validFrom`), ...values(credential, `${CRED}issuanceDate`)],
    validUntil: [...values(credential, `${CRED}validUntil`), ...values(credential, `${CRED}expirationDate`)],
    status: objects(credential, `${CRED}credentialStatus`).map((entry) => {
      const status = (name: string) => STATUS.map((namespace) => one(entry, `${namespace}${name}`)).find((v) => v !== undefined);
      return {
        type: values(entry, RDF_TYPE).map(localName).sort().join(' '),
        id: entry.kind === 'iri' ? entry.value : undefined,
        purpose: status('statusPurpose'),
        index: status('statusListIndex'),
        list: status('statusListCredential'),
      };
    }),
    // One subject's facts, whatever their number in the graph: as the JSON reading gathers them.
    subjects: [
      {
        achievements: objects(credential, `${CRED}credentialSubject`).flatMap((subject) => ACHIEVEMENT.flatMap((p) => values(subject, p))),
        identifiers: objects(credential, `${CRED}credentialSubject`)
          .flatMap((subject) => objects(subject, `${OB}identifier`))
          .map((identifier) =>
            identifierFact(
              one(identifier, `${OB}identityType`),
              one(identifier, `${OB}identityHash`),
              one(identifier, `${OB}salt`),
              one(identifier, `${OB}hashed`),
            ),
          ),
      },
    ],
  };
}

const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).sort().join(',')}]`
    : value && typeof value === 'object'
      ? `{${Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
          .join(',')}}`
      : JSON.stringify(value);

/** The first fact (by name) on which the JSON and the signed graph disagree; undefined when they agree. */
export function disagreement(json: CredentialFacts, graph: CredentialFacts | { problem: string }): string | undefined {
  if ('problem' in graph) return graph.problem;
  return (Object.keys(json) as Array<keyof CredentialFacts>).find((name) => canonical(json[name]) !== canonical(graph[name]));
}
