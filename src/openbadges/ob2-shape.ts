/** @module The shape of Open Badges 2.0 documents from strangers: version, required properties, and values read without trusting them. */
import { OB2_CONTEXT } from './documents.ts';

export type Json = Record<string, unknown>;

const OB1_CONTEXT = 'https://w3id.org/openbadges/v1';

/** Required properties by document type (OB 2.0 data model; Profile `email` is reported apart, see `missingEmail`). */
const REQUIRED = {
  Assertion: ['id', 'type', 'recipient', 'badge', 'verification', 'issuedOn'],
  BadgeClass: ['id', 'type', 'name', 'description', 'image', 'criteria', 'issuer'],
  Issuer: ['id', 'type', 'name', 'url'],
} as const;

export type Ob2Role = keyof typeof REQUIRED;

/** The types a document may declare for each role (an issuer is an `Issuer` or, in OB 2.0 terms, a `Profile`). */
const ACCEPTED_TYPES: Record<Ob2Role, readonly string[]> = {
  Assertion: ['Assertion'],
  BadgeClass: ['BadgeClass'],
  Issuer: ['Issuer', 'Profile'],
};

/** A stranger's value as text: strings as they are, anything else as nothing (never its own toString). */
export const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One value or many, as OB 2.0 allows for most properties. */
export const many = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

export const typesOf = (value: unknown): string[] => many(value).map(text);

/** A reference's id: the IRI itself, or the `id` of an embedded object. */
export const idOf = (value: unknown): string => (isObject(value) ? text(value.id) : text(value));

/** The document a body holds when it is a JSON object; undefined for anything else (arrays, scalars, bad JSON). */
export function parseObject(body: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which Open Badges version an assertion is written in: `1.x` for no `@context`, the v1 context,
 * or the 1.x `verify: {type, url}` object; `2.0` when the v2 context is there; `other` for any
 * other context (an OB 3.0 credential, say).
 */
export function assertionVersion(assertion: Json): '1.x' | '2.0' | 'other' {
  const contexts = many(assertion['@context']);
  if (assertion.verification === undefined && isObject(assertion.verify) && assertion.verify.url !== undefined) return '1.x';
  if (contexts.includes(OB2_CONTEXT)) return '2.0';
  if (!contexts.length || contexts.includes(OB1_CONTEXT)) return '1.x';
  return 'other';
}

/** The assertion with `verify` read as `verification`: the v2 context defines the one as an alias of the other. */
export function withVerificationAlias(assertion: Json): Json {
  return assertion.verification === undefined && isObject(assertion.verify) ? { ...assertion, verification: assertion.verify } : assertion;
}

/** Whether a fetched document carries the OB 2.0 JSON-LD context (alone or in an array). */
export const hasOb2Context = (document: Json): boolean => many(document['@context']).includes(OB2_CONTEXT);

/** `Role.property` for each required property the document lacks, and `Role.type` when it declares another type. */
export function missingProperties(document: Json, role: Ob2Role): string[] {
  const missing = REQUIRED[role].filter(
    (property) => document[property] === undefined || document[property] === null || document[property] === '',
  );
  const wrongType = !missing.includes('type') && !typesOf(document.type).some((type) => ACCEPTED_TYPES[role].includes(type));
  return [...missing, ...(wrongType ? ['type'] : [])].map((property) => `${role}.${property}`);
}

/** OB 2.0 requires an issuer `email`; many real issuers omit it, so it is reported, never a reason to refuse. */
export const missingEmail = (issuer: Json): boolean => !text(issuer.email);

/** The instant an OB 2.0 DateTime names; undefined when it is not an ISO 8601 date (OB 1.x Unix timestamps included). */
export function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** The verification type an assertion asks for, by its OB 2.0 name (`hosted` and `signed` are the short aliases). */
export function verificationTypeOf(assertion: Json): 'HostedBadge' | 'SignedBadge' | undefined {
  const types = typesOf(isObject(assertion.verification) ? assertion.verification.type : undefined);
  if (types.some((type) => type === 'HostedBadge' || type === 'hosted')) return 'HostedBadge';
  if (types.some((type) => type === 'SignedBadge' || type === 'signed')) return 'SignedBadge';
  return undefined;
}
