/** Signers from outside this deployment, for the verifier's tests: a fresh did:key and the credentials it makes. */
import { env } from 'cloudflare:workers';
import { signDocument } from '../../src/credentials/data-integrity.ts';
import { publicKeyMultibase } from '../../src/credentials/keys.ts';
import { parseConfig } from '../../src/platform/config.ts';
import type { VerificationReport } from '../../src/verify/report.ts';
import type { worker } from '../worker.ts';

/** A fresh Ed25519 did:key and a signer of documents as that key's issuer. */
export async function stranger() {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const key = publicKeyMultibase(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer));
  const did = `did:key:${key}`;
  return { did, key, sign: (document: object) => signDocument(document as never, `${did}#${key}`, pair.privateKey, new Date()) };
}

type Credential = { issuer: object; credentialSubject: { achievement: object } } & Record<string, unknown>;

/** One of our credentials made a stranger's own, unsigned: its id, issuer (`did`) and achievement name nothing of ours, and it has no status. */
export function strangersOwn(credential: Credential, did: string) {
  const { proof: _, credentialStatus: __, ...unsigned } = credential;
  return {
    ...unsigned,
    id: `urn:uuid:${crypto.randomUUID()}`,
    issuer: { ...credential.issuer, id: did },
    credentialSubject: {
      ...credential.credentialSubject,
      achievement: { ...credential.credentialSubject.achievement, id: 'https://elsewhere.example/achievements/1' },
    },
  };
}

/** A minimal OB 3.0 credential (VC 2.0, bundled contexts only) of `issuer`, unsigned, with `extra` on top. */
export function credentialBy(issuer: string, extra: Record<string, unknown> = {}) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:${crypto.randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuer, type: ['Profile'], name: 'Someone (made up)' },
    validFrom: '2026-01-01T00:00:00Z',
    name: 'A badge',
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://elsewhere.example/achievements/1',
        type: ['Achievement'],
        name: 'A badge',
        description: 'Made up.',
        criteria: { narrative: 'None.' },
      },
    },
    ...extra,
  };
}

/**
 * Serves `document` at `https://hostile.example/planted/{path}` (a fresh path by default), as an
 * attacker serves documents from a host of its own; returns the URL.
 */
export async function plant(document: object, path: string = crypto.randomUUID()): Promise<string> {
  const host = env.REMOTE_HOSTILE_HOST;
  const origin = parseConfig(env).remote.hosts.get(host)!;
  const res = await fetch(`${origin}/planted/${path}`, { method: 'PUT', body: JSON.stringify(document) });
  if (res.status !== 201) throw new Error(`planting ${path} answered ${res.status}`);
  return `https://${host}/planted/${path}`;
}

/** POST /verify {credential} through `w`, its background work awaited. */
export async function verifyCredential(w: ReturnType<typeof worker>, credential: unknown): Promise<VerificationReport> {
  const { response, settled } = await w.fetch('/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credential }),
  });
  await settled;
  if (response.status !== 200) throw new Error(`POST /verify answered ${response.status}`);
  return response.json<VerificationReport>();
}
