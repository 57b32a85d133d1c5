/** @module Open Badges 3.0: each award as a signed OpenBadgeCredential, the issuers' Bitstring Status Lists and did:web DID documents. */
import { createRoute, z } from '@hono/zod-openapi';
import { DID_DOCUMENT_TYPE, didDocument, publicKeysOf } from '../credentials/issuer-dids.ts';
import { OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA } from '../credentials/open-badge-credential.ts';
import { readIssuer } from '../data/read/documents.ts';
import { readCredential } from '../data/read/signed-credentials.ts';
import { readStatusList } from '../data/signing/status-lists.ts';
import { cacheTags, versionEtag } from '../edge/headers.ts';
import { withCachePolicy } from '../edge/with-cache-policy.ts';
import { jsonLdTextResponse, negotiateDocument } from '../http/negotiation.ts';
import { notFound } from '../http/problem.ts';
import { LIST_NUMBER, MAX_LIST_NUMBER } from '../openbadges/urls.ts';
import { AssertionPage } from '../pages/assertion-page.tsx';
import { htmlResponse } from '../pages/render.ts';
import { verifyBundle } from '../verify/ob2/hosted.ts';
import { checkedByContractTest, newRouter } from './router.ts';
import { didDocument as didDocumentSchema, idParams, problems, publicId } from './schemas.ts';

const credential = z
  .looseObject({
    '@context': z.array(z.string()),
    id: z.url(),
    type: z.array(z.string()),
    issuer: z.looseObject({ id: z.string().startsWith('did:') }),
    validFrom: z.string(),
    credentialSubject: z.looseObject({ type: z.array(z.string()), achievement: z.looseObject({ id: z.string() }) }),
    credentialSchema: z.array(z.object({ id: z.string(), type: z.string() })),
    proof: z.array(z.looseObject({ type: z.string(), cryptosuite: z.string(), verificationMethod: z.string(), proofValue: z.string() })),
  })
  .openapi('OpenBadgeCredential', {
    description: `Signed with Data Integrity \`eddsa-rdfc-2022\` by the issuer's did:key; valid against ${OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA}`,
  });

const statusListCredential = z
  .looseObject({
    '@context': z.array(z.string()),
    id: z.url(),
    type: z.array(z.string()),
    issuer: z.string().startsWith('did:'),
    credentialSubject: z.object({
      id: z.string(),
      type: z.literal('BitstringStatusList'),
      statusPurpose: z.literal('revocation'),
      encodedList: z.string(),
    }),
    proof: z.array(z.looseObject({ type: z.string(), cryptosuite: z.string() })),
  })
  .openapi('BitstringStatusListCredential');

const credentialContent = {
  'application/ld+json': { schema: credential },
  'application/json': { schema: credential },
  'text/html': { schema: z.string().openapi({ description: 'the award page for people' }) },
};

const credentialRoute = createRoute({
  method: 'get',
  path: '/credentials/{id}',
  tags: ['Open Badges 3.0'],
  summary: 'The award as a signed OB 3.0 OpenBadgeCredential (same id as the OB 2.0 assertion)',
  request: { params: idParams('demo-valid') },
  responses: { 200: { description: 'The signed credential', content: credentialContent }, ...problems(400, 404, 503) },
});

const statusListRoute = createRoute({
  method: 'get',
  path: '/status/{id}/{list}',
  tags: ['Open Badges 3.0'],
  summary: "One of the issuer's Bitstring Status Lists (revocation), signed",
  request: {
    params: z.object({
      id: publicId.openapi({ param: { name: 'id', in: 'path' }, example: 'demo-issuer' }),
      // Digits only, no leading zero: one URL per list (`0x0` or ` 0` would be a second one).
      list: z
        .string()
        .regex(LIST_NUMBER)
        .transform(Number)
        .refine((n) => n <= MAX_LIST_NUMBER)
        .openapi({ param: { name: 'list', in: 'path', required: true }, type: 'integer', example: 0 }),
    }),
  },
  responses: {
    200: { description: 'BitstringStatusListCredential', content: { 'application/ld+json': { schema: statusListCredential } } },
    ...problems(400, 404, 503),
  },
});

const didDocumentRoute = createRoute({
  method: 'get',
  path: '/issuers/{id}/did.json',
  tags: ['Open Badges 3.0'],
  summary: "The issuer's did:web DID document: every key it ever signed with",
  request: { params: idParams('demo-issuer') },
  responses: {
    200: { description: 'DID document (did:web)', content: { [DID_DOCUMENT_TYPE]: { schema: didDocumentSchema } } },
    ...problems(400, 404, 503),
  },
});

export const credentials = newRouter()
  .openapi(credentialRoute, (c) => {
    const { id } = c.req.valid('param');
    const type = negotiateDocument(c);
    return withCachePolicy(c, 'assertion', cacheTags.assertion(id), async () => {
      const signed = await readCredential(c.var.scope, id);
      if (!signed) throw notFound('credential');
      const { bundle } = signed;
      const response =
        type === 'text/html'
          ? await htmlResponse(
              <AssertionPage bundle={bundle} report={await verifyBundle(bundle, { id }, c.var.urls, new Date())} urls={c.var.urls} />,
            )
          : jsonLdTextResponse(signed.json, type);
      const { assertion, badge, issuer } = bundle;
      return {
        response,
        tags: cacheTags.bundle(bundle),
        etag: versionEtag('credential', id, assertion.version, badge.version, issuer.version, c.var.deps.dids.method, type),
        changesAt: assertion.expires,
      };
    });
  })
  .openapi(statusListRoute, async (c) => {
    const { id, list } = c.req.valid('param');
    const tag = cacheTags.statusList(id, list);
    // Served as signed and kept (text): the contract test checks it against the schema.
    // A missing list (no such issuer, or a list number not allocated yet) may be kept at the edge
    // too: the award that allocates the list purges `status:{issuer}:{list}`, and so does a revoke.
    return checkedByContractTest(
      await withCachePolicy(
        c,
        'assertion',
        tag,
        async () => {
          const found = await readStatusList(c.var.scope, id, list);
          if (!found) throw notFound('status list');
          return {
            response: jsonLdTextResponse(found.json, 'application/ld+json'),
            tags: `${tag},${cacheTags.issuer(id)}`,
            etag: versionEtag('status', id, list, found.version, c.var.deps.dids.method),
          };
        },
        'purged_not_found',
      ),
    );
  })
  .openapi(didDocumentRoute, async (c) => {
    const { id } = c.req.valid('param');
    // Served whichever DID method signs now: documents signed under did:web stay verifiable after a switch.
    // Kept downstream no longer than an assertion: a rotated key signs at once, so verifiers must see it soon.
    // A media type of its own (application/did+ld+json): the contract test checks the body.
    return checkedByContractTest(
      await withCachePolicy(c, 'assertion', cacheTags.issuer(id), async () => {
        const issuer = await readIssuer(c.var.scope, id);
        if (!issuer) throw notFound('issuer');
        return {
          response: new Response(JSON.stringify(didDocument(c.var.deps.dids.web(id), publicKeysOf(issuer))), {
            headers: { 'content-type': DID_DOCUMENT_TYPE },
          }),
          tags: cacheTags.issuer(id),
          etag: versionEtag('did', id, issuer.version),
        };
      }),
    );
  });
