/**
 * @module The first step of OB 3.0 verification: is it an AchievementCredential? The 1EdTech JSON
 * Schema compiles to code, which Workers forbid, so its rules are written here in zod, as far as
 * the properties this deployment issues and reads go: what it requires, the types it gives them,
 * its `contains` rules and closed objects. The interop test holds this to the schema itself on
 * every single-step mutation of a credential.
 */
import { z } from 'zod';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../credentials/contexts.ts';

/** An array of strings that contains one of each group's names (the schema's `contains`). */
const typeArray = (...groups: string[][]) =>
  z
    .array(z.string())
    .min(1)
    .refine((types) => groups.every((group) => group.some((name) => types.includes(name))), {
      message: `must contain ${groups.map((group) => group.join(' or ')).join(' and ')}`,
    });
const dateTime = z.iso.datetime({ offset: true });
const image = z.strictObject({ id: z.string(), type: z.literal('Image'), caption: z.string().optional() });
const IDENTIFIER_TYPES = [
  'name',
  'sourcedId',
  'systemId',
  'productId',
  'userName',
  'accountId',
  'emailAddress',
  'nationalIdentityNumber',
  'isbn',
  'issn',
  'lisSourcedId',
  'oneRosterSourcedId',
  'sisSourcedId',
  'ltiContextId',
  'ltiDeploymentId',
  'ltiToolId',
  'ltiPlatformId',
  'ltiUserId',
  'identifier',
] as const;
const profile = z.looseObject({
  id: z.string(),
  type: typeArray(['Profile']),
  name: z.string().optional(),
  url: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  description: z.string().optional(),
  image: image.optional(),
});

const achievementCredential = z.looseObject({
  '@context': z
    .array(z.union([z.string(), z.looseObject({})]))
    .min(2)
    .refine(
      (c) =>
        c[0] === VC_V2_CONTEXT &&
        typeof c[1] === 'string' &&
        /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$/.test(c[1]),
      {
        message: `must start with ${VC_V2_CONTEXT} and an OB 3.0 context such as ${OB_V3_CONTEXT}`,
      },
    ),
  id: z.string(),
  type: typeArray(['VerifiableCredential'], ['AchievementCredential', 'OpenBadgeCredential']),
  name: z.string().optional(),
  description: z.string().optional(),
  image: image.optional(),
  issuer: z.union([z.string(), profile]),
  validFrom: dateTime,
  validUntil: dateTime.optional(),
  credentialSubject: z.looseObject({
    id: z.string().optional(),
    type: typeArray(['AchievementSubject']),
    identifier: z
      .array(
        z.strictObject({
          type: z.literal('IdentityObject'),
          hashed: z.boolean(),
          identityHash: z.string(),
          identityType: z.union([z.enum(IDENTIFIER_TYPES), z.string().regex(/(ext:)[a-z|A-Z|0-9|.|\-|_]+/)]),
          salt: z.string().optional(),
        }),
      )
      .optional(),
    image: image.optional(),
    narrative: z.string().optional(),
    achievement: z.looseObject({
      id: z.string(),
      type: typeArray(['Achievement']),
      name: z.string(),
      description: z.string(),
      criteria: z.looseObject({ id: z.string().optional(), narrative: z.string().optional() }),
      image: image.optional(),
    }),
  }),
  credentialSchema: z.array(z.looseObject({ id: z.string(), type: z.string() })).optional(),
  credentialStatus: z.looseObject({ id: z.string(), type: z.string() }).optional(),
  proof: z
    .array(
      z.looseObject({
        type: z.string(),
        created: dateTime.optional(),
        cryptosuite: z.string().optional(),
        proofPurpose: z.string().optional(),
        proofValue: z.string().optional(),
        verificationMethod: z.string().optional(),
      }),
    )
    .optional(),
});
export type AchievementCredential = z.infer<typeof achievementCredential>;

/** The spec's first step: the credential as an AchievementCredential, or why it is not one. */
export function conformanceOf(supplied: unknown): { credential: AchievementCredential } | { problem: string } {
  const shape = achievementCredential.safeParse(supplied);
  if (shape.success) return { credential: shape.data };
  const issue = shape.error.issues[0];
  return { problem: `${issue?.path.join('.') || 'document'}: ${issue?.message}` };
}
