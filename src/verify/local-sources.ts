/** @module What this deployment knows of itself, from its own tiers (never the network): its status lists and its issuers' keys. */

export type LocalSources = {
  /** The issuer and list number of a list URL of this deployment; undefined for any other URL. */
  listOf(url: string): { issuerId: string; listNumber: number } | undefined;
  /** The list's signed JSON, or undefined when there is none. */
  readList(issuerId: string, listNumber: number): Promise<string | undefined>;
  /** The issuer id of one of this deployment's did:web DIDs; undefined for any other DID. */
  issuerOfWeb(did: string): string | undefined;
  /**
   * Every public key the issuer ever had (its DID document), as the tiers have it, or from the
   * primary when `fromPrimary`; undefined when there is no such issuer.
   */
  issuerKeys(issuerId: string, fromPrimary?: boolean): Promise<readonly string[] | undefined>;
  /**
   * The issuer of the record a URL of this deployment names (an award, a badge class, an issuer);
   * null for a URL of this deployment that names no record; undefined for any other URL.
   */
  ownerOf(url: string): Promise<string | null | undefined>;
  /** Whether a URL names a record of this deployment (no lookup: whether that record exists is `ownerOf`'s). */
  isRecordUrl(url: string): boolean;
};
