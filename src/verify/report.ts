/** @module The verification report: what a verifier gets back, for one assertion (a zod schema, so OpenAPI shows it). */
import { z } from 'zod';

export const verificationStatus = z.enum(['valid', 'revoked', 'expired', 'not_found', 'invalid', 'not_yet_valid']);
export type VerificationStatus = z.infer<typeof verificationStatus>;

export const check = z.object({
  name: z.string().describe('stable machine name, e.g. `not_revoked`'),
  passed: z.boolean(),
  message: z.string().describe('one sentence for people'),
});
export type Check = z.infer<typeof check>;

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
  issuer: z.object({ id: z.string(), name: z.string(), url: z.string() }).optional(),
  verifiedAt: z.string().describe('ISO 8601 instant the checks were made'),
  ob3: z
    .object({
      conformance: z.enum(['passed', 'failed']).describe('the credential has the shape OB 3.0 requires (not that it is true)'),
      proof: z.enum(['verified', 'failed', 'not checked: remote']),
      status: z.enum(['active', 'revoked', 'none', 'not checked: remote', 'not checked: unsupported']),
    })
    .optional()
    .describe('for an OB 3.0 credential: separate verdicts, so that well-formed is never mistaken for verified'),
  credential: z.object({ id: z.string(), issuer: z.string(), validFrom: z.string(), validUntil: z.string().nullable() }).optional(),
});
export type VerificationReport = z.infer<typeof verificationReport>;
