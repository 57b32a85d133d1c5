/** @module The verification report: what a verifier gets back, for one assertion. */

export type VerificationStatus = 'valid' | 'revoked' | 'expired' | 'not_found' | 'invalid';

export type Check = {
  /** Stable machine name, e.g. `not_revoked`. */
  name: string;
  passed: boolean;
  /** One sentence for people. */
  message: string;
};

export type VerificationReport = {
  valid: boolean;
  status: VerificationStatus;
  checks: Check[];
  /** `matched` is null when no recipient was asked about. */
  recipient: { matched: boolean | null };
  assertion?: {
    id: string;
    issuedOn: string;
    expires: string | null;
    revoked: boolean;
    revocationReason: string | null;
  };
  badge?: { id: string; name: string; description: string; image: string };
  issuer?: { id: string; name: string; url: string };
  /** ISO 8601 instant the checks were made. */
  verifiedAt: string;
};
