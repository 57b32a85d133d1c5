/** @module Open Badges 2.0 signed assertions: a compact JWS, RS256 only, whose payload is the assertion. */
import { base64url, compactVerify, decodeProtectedHeader, importSPKI } from 'jose';

/** The one algorithm OB 2.0 names for signed badges (and the only one the 1EdTech validator accepts). */
export const OB2_JWS_ALGORITHM = 'RS256';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A compact JWS, read but not yet verified: its payload is what it claims, nothing more. */
export type UnverifiedJws = { jws: string; payload: unknown };

/** Whether `text` has the shape of a compact JWS (three base64url parts), as baked images and `application/jwt` answers carry it. */
export const looksLikeJws = (text: string): boolean => COMPACT_JWS.test(text.trim());

/**
 * Reads a compact JWS without verifying it (the payload names the key that verifies it).
 * Returns a reason instead when it is not one this verifier accepts: another algorithm than
 * RS256, or an unencoded (`b64: false`) or `crit` payload, whose bytes would not be the JSON read here.
 */
export function readJws(text: string): UnverifiedJws | { problem: string } {
  const jws = text.trim();
  if (!COMPACT_JWS.test(jws)) return { problem: 'It is not a compact JWS.' };
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return { problem: 'Its JWS header is not JSON.' };
  }
  if (header.alg !== OB2_JWS_ALGORITHM)
    return { problem: `Its JWS algorithm is ${JSON.stringify(header.alg ?? null)}; Open Badges 2.0 signed badges use RS256.` };
  if ('crit' in header || 'b64' in header) return { problem: 'Its JWS header asks for extensions (crit, b64) that OB 2.0 does not use.' };
  try {
    return { jws, payload: JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1]!))) };
  } catch {
    return { problem: 'Its JWS payload is not JSON.' };
  }
}

/**
 * Whether `jws` is signed with the RSA key `publicKeyPem` (SPKI PEM), RS256 only; a reason when not.
 * jose refuses RSA keys under 2048 bits.
 */
export async function verifyRs256(jws: string, publicKeyPem: string): Promise<{ verified: true } | { verified: false; problem: string }> {
  let key: CryptoKey;
  try {
    key = (await importSPKI(publicKeyPem, OB2_JWS_ALGORITHM)) as CryptoKey;
  } catch {
    return { verified: false, problem: 'Its key is not an RSA public key in SPKI PEM.' };
  }
  try {
    await compactVerify(jws, key, { algorithms: [OB2_JWS_ALGORITHM] });
    return { verified: true };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      verified: false,
      problem:
        code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
          ? 'Its signature does not verify with the key: the assertion was changed or signed with another key.'
          : `Its signature cannot be checked with the key (${(error as Error).message}).`,
    };
  }
}
