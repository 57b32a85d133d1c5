// The signing side of Digital Bazaar's libraries (they ship no types), as the remote-issuer
// fixtures, their contract test and the wallet-pickup test use them. test/contract/verifier-libraries.d.ts declares the
// verifying side; ambient module declarations merge, so only what it lacks is declared here
// (functions only in modules it already declares: a second class or const would clash).

/** A key pair with its signer, as Digital Bazaar's key classes give it. */
type DigitalBazaarKeyPair = {
  id: string;
  controller: string;
  publicKeyMultibase: string;
  signer(): { id: string; algorithm: string; sign(options: { data: Uint8Array }): Promise<Uint8Array> };
};

declare module '@digitalbazaar/vc' {
  /** Signs `credential` (adds one proof to those it has). */
  export function issue(options: { credential: object; suite: unknown; documentLoader: (url: string) => Promise<object> }): Promise<object>;
  export function verifyCredential(options: {
    credential: object;
    suite: unknown;
    documentLoader: (url: string) => Promise<object>;
    checkStatus?: (options: object) => Promise<{ verified: boolean }>;
    /** The instant validity is checked at (default: now). */
    now?: Date;
    /** The controller document of the proof's key (skips loading and framing it). */
    controller?: object;
  }): Promise<{ verified: boolean; error?: { errors?: Error[] } & Error; results?: Array<{ verified: boolean; error?: Error }> }>;
  /** An unsigned presentation (VC 1.1 context) of `holder`. */
  export function createPresentation(options: { holder?: string; verifiableCredential?: object[] }): Record<string, unknown>;
  /** Signs `presentation` for authentication over `challenge` (a wallet's DID-Auth). */
  export function signPresentation(options: {
    presentation: object;
    suite: unknown;
    challenge: string;
    domain?: string;
    documentLoader: (url: string) => Promise<object>;
  }): Promise<Record<string, unknown>>;
  /** Loads the contexts of VC 1.1 and 2.0 and security v1/v2, nothing else. */
  export function defaultDocumentLoader(url: string): Promise<{ document: object }>;
}

declare module '@digitalbazaar/ed25519-multikey' {
  export function generate(options: {
    id?: string;
    controller?: string;
    seed?: Uint8Array;
  }): Promise<
    DigitalBazaarKeyPair & { export(options: { publicKey?: boolean; includeContext?: boolean }): Promise<Record<string, unknown>> }
  >;
  export function toJwk(options: { keyPair: DigitalBazaarKeyPair; secretKey?: boolean }): Promise<Record<string, string>>;
}

declare module '@digitalbazaar/ed25519-signature-2020' {
  export class Ed25519Signature2020 {
    constructor(options?: { key?: unknown; date?: string });
  }
}

declare module '@digitalbazaar/ed25519-verification-key-2020' {
  export class Ed25519VerificationKey2020 {
    static generate(options: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519VerificationKey2020>;
    id: string;
    controller: string;
    publicKeyMultibase: string;
    export(options: { publicKey?: boolean; includeContext?: boolean }): Record<string, unknown>;
    signer(): DigitalBazaarKeyPair['signer'];
  }
}

/** A bitstring of statuses (`setStatus(index, true)` revokes or suspends entry `index`). */
type DigitalBazaarStatusBits = {
  setStatus(index: number, status: boolean): void;
  getStatus(index: number): boolean;
  encode(): Promise<string>;
};

declare module '@digitalbazaar/vc-bitstring-status-list' {
  export function createList(options: { length: number }): Promise<DigitalBazaarStatusBits>;
  export function decodeList(options: { encodedList: string }): Promise<DigitalBazaarStatusBits>;
  /** An unsigned BitstringStatusListCredential (VCDM 2.0 context by default). */
  export function createCredential(options: {
    id: string;
    list: DigitalBazaarStatusBits;
    statusPurpose: string;
  }): Promise<Record<string, unknown>>;
  export function checkStatus(
    options: object,
  ): Promise<{ verified: boolean; error?: Error; results?: Array<{ verified: boolean; status: boolean }> }>;
}

declare module '@digitalbazaar/vc-status-list' {
  export function createList(options: { length: number }): Promise<DigitalBazaarStatusBits>;
  /** An unsigned StatusList2021Credential (VCDM 1.1). */
  export function createCredential(options: {
    id: string;
    list: DigitalBazaarStatusBits;
    statusPurpose: string;
  }): Promise<Record<string, unknown>>;
  export function checkStatus(options: object): Promise<{ verified: boolean; error?: Error }>;
}
