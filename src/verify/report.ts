/** @module The verification report: what a verifier gets back, for one assertion (a zod schema, so OpenAPI shows it). */
import { z } from 'zod';

export const verificationStatus = z
  .enum(['valid', 'revoked', 'suspended', 'expired', 'not_yet_valid', 'not_found', 'invalid', 'unverifiable'])
  .describe('`unverifiable`: a document the verdict needs could not be fetched (the failed `sources` say which)');
export type VerificationStatus = z.infer<typeof verificationStatus>;

export const check = z.object({
  name: z.string().describe('stable machine name, e.g. `not_revoked`'),
  passed: z.boolean(),
  message: z.string().describe('one sentence for people'),
});
export type Check = z.infer<typeof check>;

/** One remote document the verdict used (`remote/types.ts` Source). */
export const source = z.object({
  url: z.string(),
  kind: z.enum(['definition', 'status']).describe('`status`: carries revocation, kept at most REMOTE_STATUS_TTL_SECONDS'),
  from: z.enum(['cache', 'network', 'revalidated', 'stale']),
  status: z.number().int().optional(),
  ageSeconds: z.number().optional(),
  freshForSeconds: z.number().optional().describe("how long it may be used: its headers' freshness within our bound for its kind"),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

/** One proof of a credential (a credential may carry several). */
export const proofReport = z.object({
  type: z.string().describe('DataIntegrityProof, Ed25519Signature2020, JWS (VC-JWT) or RS256 (OB 2.0 signed)'),
  cryptosuite: z.string().optional(),
  verificationMethod: z.string().optional(),
  verified: z.boolean(),
  byIssuer: z.boolean().describe('made with a key the issuer controls'),
  message: z.string(),
});
export type ProofReport = z.infer<typeof proofReport>;

export const verificationReport = z.object({
  valid: z.boolean(),
  status: verificationStatus,
  checks: z.array(check),
  recipient: z.object({ matched: z.boolean().nullable().describe('null when no recipient was asked about') }),
  assertion: z
    .object({
      id: z.string(),
      issuedOn: z.string(),
      expires: z.string().nullable(),
      revoked: z.boolean(),
      revocationReason: z.string().nullable(),
    })
    .optional(),
  badge: z.object({ id: z.string(), name: z.string(), description: z.string(), image: z.string() }).optional(),
  issuer: z
    .object({
      id: z.string().describe('URL or DID'),
      name: z.string(),
      url: z.string(),
      thisDeployment: z.boolean().optional().describe('hosted by this service'),
    })
    .optional(),
  verifiedAt: z.string().describe('ISO 8601 instant the checks were made'),
  ob3: z
    .object({
      conformance: z.enum(['passed', 'failed']).describe('the credential has the shape OB 3.0 requires (not that it is true)'),
      proof: z.enum(['verified', 'failed', 'not checked', 'unverifiable']),
      status: z.enum(['active', 'revoked', 'suspended', 'none', 'invalid', 'not checked: unsupported', 'unverifiable']),
    })
    .optional()
    .describe('for an OB 3.0 credential: separate verdicts, so that well-formed is never mistaken for verified'),
  credential: z.object({ id: z.string(), issuer: z.string(), validFrom: z.string(), validUntil: z.string().nullable() }).optional(),
  proofs: z.array(proofReport).optional().describe('every proof the credential carries, each with its own verdict'),
  schema: z
    .object({ conforms: z.boolean(), problems: z.array(z.string()) })
    .optional()
    .describe('the 1EdTech JSON Schema: its own verdict, never a reason to skip the proof and status checks'),
  sources: z.array(source).optional().describe('every remote document used, with where it came from and how fresh it is'),
});
export type VerificationReport = z.infer<typeof verificationReport>;
