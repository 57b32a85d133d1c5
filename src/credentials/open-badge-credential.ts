/**
 * @module An award as an Open Badges 3.0 `OpenBadgeCredential` (VC Data Model 2.0): the same
 * facts as the OB 2.0 assertion, the recipient only as a salted hash, the achievement from the
 * badge class, and a `BitstringStatusListEntry` for revocation. Unsigned: see data-integrity.ts.
 */
import type { AssertionBundle } from '../db/records.ts';
import { STATUS_LIST_SIZE } from '../db/schema.ts';
import type { PublicUrls } from '../openbadges/urls.ts';
import { OB_EXTENSIONS_CONTEXT, OB_V3_CONTEXT, VC_V2_CONTEXT } from './contexts.ts';

export const OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

/** OB 2.0 recipient types as OB 3.0 identity types (IdentifierTypeEnum has no URL or phone: those are extensions). */
export const IDENTITY_TYPES: Record<string, string> = {
  email: 'emailAddress',
  url: 'ext:url',
  telephone: 'ext:telephone',
  id: 'identifier',
};

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export type UnsignedCredential = ReturnType<typeof openBadgeCredential>;

/** The credential of one award, issued by the DID `issuerDid`. */
export function openBadgeCredential({ assertion, badge, issuer }: AssertionBundle, issuerDid: string, urls: PublicUrls) {
  const criteria = {
    ...(badge.criteriaUrl && { id: badge.criteriaUrl }),
    ...(badge.criteriaNarrative && { narrative: badge.criteriaNarrative }),
  };
  const image = badge.imageUrl ?? (badge.imageType ? urls.badgeImage(badge.id) : undefined);
  const status =
    assertion.statusIndex === null
      ? undefined
      : (() => {
          const list = urls.statusList(issuer.id, Math.floor(assertion.statusIndex / STATUS_LIST_SIZE));
          const position = assertion.statusIndex % STATUS_LIST_SIZE;
          return {
            id: `${list}#${position}`,
            type: 'BitstringStatusListEntry',
            statusPurpose: 'revocation',
            statusListIndex: String(position),
            statusListCredential: list,
          };
        })();
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT, OB_EXTENSIONS_CONTEXT],
    id: urls.credential(assertion.id),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: badge.name,
    issuer: { id: issuerDid, type: ['Profile'], name: issuer.name, url: issuer.url },
    validFrom: iso(assertion.issuedOn),
    ...(assertion.expires && { validUntil: iso(assertion.expires) }),
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        {
          type: 'IdentityObject',
          identityHash: assertion.recipientIdentity,
          identityType: IDENTITY_TYPES[assertion.recipientType] ?? 'emailAddress',
          hashed: assertion.recipientHashed,
          ...(assertion.recipientSalt && { salt: assertion.recipientSalt }),
        },
      ],
      achievement: {
        id: urls.badge(badge.id),
        type: ['Achievement'],
        name: badge.name,
        description: badge.description,
        criteria,
        ...(image && { image: { id: image, type: 'Image' } }),
      },
    },
    credentialSchema: [{ id: OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
    ...(status && { credentialStatus: status }),
  };
}
