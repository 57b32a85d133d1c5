/**
 * @module An issuer's RevocationList as a stream: keyset pages are fetched as the client reads,
 * so an issuer with 100k revocations never sits in memory at once.
 */
import type { RevocationPage } from '../db/queries.ts';
import { OB2_CONTEXT } from './documents.ts';
import type { PublicUrls } from './urls.ts';

export const REVOCATION_PAGE_SIZE = 1000;

type NextPage = (after: string) => Promise<RevocationPage>;

/** `firstPage` is already fetched (it told the caller the issuer exists); the rest follow on demand. */
export function revocationListStream(
  issuerId: string,
  firstPage: RevocationPage,
  nextPage: NextPage,
  urls: PublicUrls,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const head = JSON.stringify({
    '@context': OB2_CONTEXT,
    id: urls.revocationList(issuerId),
    type: 'RevocationList',
    issuer: urls.issuer(issuerId),
  });
  let page: RevocationPage | undefined = firstPage;
  let written = 0;
  let lastId = '';
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(`${head.slice(0, -1)},"revokedAssertions":[`));
    },
    async pull(controller) {
      if (!page) page = await nextPage(lastId);
      const entries = page.revoked.map((r) =>
        JSON.stringify({ id: urls.assertion(r.id), revocationReason: r.revocationReason ?? undefined }),
      );
      if (entries.length) controller.enqueue(encoder.encode((written ? ',' : '') + entries.join(',')));
      written += entries.length;
      const full = page.revoked.length === REVOCATION_PAGE_SIZE;
      lastId = page.revoked.at(-1)?.id ?? lastId;
      page = undefined;
      if (!full) {
        controller.enqueue(encoder.encode(']}'));
        controller.close();
      }
    },
  });
}
