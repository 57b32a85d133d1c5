/**
 * The HTTP contract at its edges (an adversarial review's reproductions, kept). Every request below is sent to the production
 * bundle on bare workerd (two services from one bundle: `open` with an admin token and small
 * rate limits, `closed` without ADMIN_TOKEN or CREDENTIAL_KEY_SECRET), and its answer is held to
 * the operation's entry in `/openapi.json`: a documented status, a documented content type, a
 * body valid against the documented schema (Ajv 2020), problem+json for every error, and no 5xx
 * for bad input.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, withPgClient } from '../../dev/backends.ts';
import { localStackBindings } from '../../dev/bindings.ts';
import { bundleWorker } from '../../dev/bundle.ts';
import { resetDemoData } from '../../dev/seed.ts';
import { startWorkerd } from '../../dev/workerd.ts';

const root = path.resolve(import.meta.dirname, '../..');
const stack = inject('stack');
const ADMIN_TOKEN = 'review13-admin-token';
const PREFIX = 'r13-';

type Schema = Record<string, unknown>;
type Media = { schema?: Schema };
type Operation = { responses: Record<string, { content?: Record<string, Media> }> };
type Document = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

let open: string;
let closed: string;
let stop: () => Promise<void>;
let workerdLog: () => string;
let doc: Document;
let check: (schema: Schema, value: unknown) => string[];

beforeAll(async () => {
  await resetDemoData(stack);
  const dir = path.join(root, 'test-results', 'review-13');
  const bundle = bundleWorker(root, 'wrangler.toml', path.join(dir, 'bundle'));
  const [openPort, closedPort] = [await freePort(), await freePort()];
  open = `http://127.0.0.1:${openPort}`;
  closed = `http://127.0.0.1:${closedPort}`;
  const closedBindings = localStackBindings(stack, { publicBaseUrl: closed });
  delete closedBindings.CREDENTIAL_KEY_SECRET;
  const workerd = await startWorkerd(
    [
      {
        name: 'open',
        port: openPort,
        bundle,
        bindings: localStackBindings(
          stack,
          { publicBaseUrl: open },
          {
            ADMIN_TOKEN,
            RATE_LIMIT_VERIFY_PER_MINUTE: '3',
            RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '3',
            RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE: '3',
          },
        ),
      },
      { name: 'closed', port: closedPort, bundle, bindings: closedBindings },
    ],
    dir,
  );
  stop = workerd.stop;
  workerdLog = workerd.stderr;
  doc = await (await fetch(`${open}/openapi.json`)).json();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const rewrite = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
  ajv.addSchema({ $id: 'openapi', components: rewrite(doc.components ?? {}) });
  check = (schema, value) => {
    const validate = ajv.compile(rewrite(schema));
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}, 180_000);

afterAll(async () => {
  await stop?.();
  await withPgClient(stack.postgresUrl, async (client) => {
    for (const table of ['assertions', 'badge_classes', 'issuers']) await client.query(`delete from ${table} where id like '${PREFIX}%'`);
  });
  await resetDemoData(stack);
});

/** A fresh client address, so the small rate limits only bite where a test means them to. */
const ip = () => `10.13.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

type Sent = { status: number; type: string; text: string; headers: Headers };

async function send(base: string, url: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Sent> {
  const headers = { 'cf-connecting-ip': ip(), ...(init.headers as Record<string, string> | undefined) };
  if (typeof init.body === 'string' && init.body.length > 1024 * 1024)
    return sendOversized(`${base}${url}`, init.method ?? 'GET', headers, init.body);
  const response = await fetch(`${base}${url}`, {
    redirect: 'manual',
    ...init,
    headers,
    ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await response.text();
  return {
    status: response.status,
    type: (response.headers.get('content-type') ?? '').split(';')[0]!.trim(),
    text,
    headers: response.headers,
  };
}

/** A body sent as browsers and most libraries send it: no `Expect: 100-continue`, all of it at once (a plain `http.request`). */
function sendWithoutExpect(url: string, method: string, headers: Record<string, string>, body: Uint8Array): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers: { ...headers, 'content-length': String(body.byteLength) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({
          status: response.statusCode ?? 0,
          type: (response.headers['content-type'] ?? '').split(';')[0]!.trim(),
          text: Buffer.concat(chunks).toString('utf8'),
          headers: responseHeaders,
        });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * An oversized body, sent as curl sends it: `Expect: 100-continue`, then the body once the
 * server asks for it (or after a second). Browsers, fetch() and most libraries never send that
 * header: "Early answers to bodies" below sends the same bodies without it.
 */
function sendOversized(url: string, method: string, headers: Record<string, string>, body: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = http.request(
      url,
      { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), expect: '100-continue' } },
      (response) => {
        answered = true;
        clearTimeout(patience);
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
          resolve({
            status: response.statusCode ?? 0,
            type: (response.headers['content-type'] ?? '').split(';')[0]!.trim(),
            text: Buffer.concat(chunks).toString('utf8'),
            headers: responseHeaders,
          });
        });
      },
    );
    const patience = setTimeout(() => request.end(body), 1000);
    request.on('continue', () => {
      clearTimeout(patience);
      request.end(body);
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
  });
}

/** What is wrong with `sent` as an answer of `method template` by /openapi.json (empty: it conforms). */
function deviations(method: string, template: string, sent: Sent): string[] {
  const op = doc.paths[template]?.[method === 'HEAD' ? 'get' : method.toLowerCase()];
  if (!op) return [`${method} ${template} is not a documented operation`];
  const what = `${method} ${template} → ${sent.status} ${sent.type} ${sent.text.slice(0, 200)}`;
  const out: string[] = [];
  if (sent.status >= 500 && sent.status !== 503) out.push(`5xx: ${what}`);
  if (sent.status >= 400 && sent.type !== 'application/problem+json' && !(sent.status === 410 && op.responses['410']))
    out.push(`error not problem+json: ${what}`);
  const documented = op.responses[String(sent.status)];
  if (!documented) return [...out, `status ${sent.status} not documented (documented: ${Object.keys(op.responses)}): ${what}`];
  if (!documented.content) return out;
  if (method === 'HEAD') return out;
  const media = documented.content[sent.type];
  if (!media) return [...out, `content type ${sent.type} not documented for ${sent.status}: ${what}`];
  if (sent.type.endsWith('json') && media.schema) {
    let body: unknown;
    try {
      body = JSON.parse(sent.text);
    } catch {
      return [...out, `body is not JSON: ${what}`];
    }
    const errors = check(media.schema, body);
    if (errors.length) out.push(`body does not match the schema (${errors.join('; ')}): ${what}`);
  }
  return out;
}

const code = (sent: Sent) => (sent.type === 'application/problem+json' ? (JSON.parse(sent.text) as { code: string }).code : undefined);
const json = (value: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(value) });
const admin = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${ADMIN_TOKEN}`, ...extra });
const post = (
  body: { 'content-type': string; body: string },
  headers: Record<string, string> = {},
): RequestInit & { headers: Record<string, string> } => ({
  method: 'POST',
  headers: { 'content-type': body['content-type'], ...headers },
  body: body.body,
});

describe('GET: statuses the documents, images and verification answer', () => {
  it('an unknown query parameter gets a documented status', async () => {
    const sent = await send(open, '/assertions/demo-valid/verify?utm_source=mail');
    expect(deviations('GET', '/assertions/{id}/verify', sent)).toEqual([]);
  });

  it('a percent-encoded id (demo%2Dvalid) gets a documented status', async () => {
    const sent = await send(open, '/badges/demo%2Dbadge');
    expect(deviations('GET', '/badges/{id}', sent)).toEqual([]);
  });

  it('revalidation with If-None-Match gets a documented status', async () => {
    const first = await send(open, '/assertions/demo-valid');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const sent = await send(open, '/assertions/demo-valid', { headers: { 'if-none-match': etag } });
    expect(deviations('GET', '/assertions/{id}', sent)).toEqual([]);
  });

  it('revoked (410, JSON-LD and page), expired, HEAD, malformed ids, baked image of a revoked assertion', async () => {
    const probes: Array<[string, string, string, Record<string, string>?]> = [
      ['GET', '/assertions/{id}', '/assertions/demo-revoked'],
      ['GET', '/assertions/{id}', '/assertions/demo-revoked', { accept: 'application/json' }],
      ['GET', '/assertions/{id}', '/assertions/demo-revoked', { accept: 'text/html' }],
      ['GET', '/assertions/{id}', '/assertions/demo-expired'],
      ['GET', '/assertions/{id}/verify', '/assertions/demo-revoked/verify'],
      ['GET', '/assertions/{id}/verify', '/assertions/demo-expired/verify'],
      ['GET', '/assertions/{id}/verify', '/assertions/no-such-thing/verify'],
      ['GET', '/assertions/{id}/verify', '/assertions/bad%20id/verify'],
      ['GET', '/assertions/{id}/verify', `/assertions/${'a'.repeat(65)}/verify`],
      ['GET', '/assertions/{id}/image', '/assertions/demo-revoked/image'],
      ['GET', '/assertions/{id}/image', '/assertions/demo-expired/image'],
      ['GET', '/badges/{id}/image', '/badges/demo-badge/image'],
      ['GET', '/issuers/{id}', '/issuers/demo-issuer', { accept: 'image/png' }],
      ['GET', '/issuers/{id}/revocations', '/issuers/demo-issuer/revocations'],
      ['GET', '/issuers/{id}/revocations', '/issuers/nobody/revocations'],
      ['GET', '/credentials/{id}', '/credentials/demo-valid'],
      ['GET', '/credentials/{id}', '/credentials/demo-revoked'],
      ['GET', '/status/{id}/{list}', '/status/demo-issuer/0'],
      ['GET', '/status/{id}/{list}', '/status/demo-issuer/abc'],
      ['GET', '/status/{id}/{list}', '/status/demo-issuer/99999'],
      ['HEAD', '/assertions/{id}', '/assertions/demo-valid'],
      ['HEAD', '/assertions/{id}', '/assertions/demo-revoked'],
    ];
    const problems: string[] = [];
    for (const [method, template, url, headers] of probes) {
      const sent = await send(open, url, { method, headers });
      problems.push(...deviations(method, template, sent));
    }
    expect(problems).toEqual([]);
  });

  it('revocation lists past RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE answer a documented 429', async () => {
    const address = ip();
    let last: Sent | undefined;
    for (let i = 0; i < 5; i++) last = await send(open, '/issuers/demo-issuer/revocations', { headers: { 'cf-connecting-ip': address } });
    expect(last!.status).toBe(429);
    expect(deviations('GET', '/issuers/{id}/revocations', last!)).toEqual([]);
  });

  it('without CREDENTIAL_KEY_SECRET, credentials and status lists answer a documented 503', async () => {
    const problems = [
      ...deviations('GET', '/credentials/{id}', await send(closed, '/credentials/demo-valid')),
      ...deviations('GET', '/status/{id}/{list}', await send(closed, '/status/demo-issuer/0')),
    ];
    expect(problems).toEqual([]);
  });

  it('CORS preflight and other methods are answered without 5xx', async () => {
    const preflight = await send(open, '/verify', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://elsewhere.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    const adminPreflight = await send(open, '/admin/issuers', { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example' } });
    expect(adminPreflight.status).toBeLessThan(500);
    const del = await send(open, '/assertions/demo-valid', { method: 'DELETE' });
    expect([del.status, del.type]).toEqual([405, 'application/problem+json']);
  });
});

describe('POST /verify and /verify/batch: bodies and content types', () => {
  const assertion = (extra: Record<string, unknown>) => ({ assertion: { id: 'demo-valid', ...extra } });

  it('a supplied assertion document whose `type` is an object is a 4xx, not a 500', async () => {
    const sent = await send(open, '/verify', post(json(assertion({ type: { toString: 1 } }))));
    expect(deviations('POST', '/verify', sent)).toEqual([]);
    expect(sent.status).toBeLessThan(500);
  });

  it('a supplied assertion document whose `recipient.identity` is an object is a 4xx, not a 500', async () => {
    const sent = await send(open, '/verify', post(json(assertion({ recipient: { identity: { toString: null } } }))));
    expect(deviations('POST', '/verify', sent)).toEqual([]);
  });

  it('a baked SVG carrying such a document is a 4xx, not a 500', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion><![CDATA[${JSON.stringify(
      { id: 'demo-valid', verification: { type: { toString: 0 } } },
    )}]]></openbadges:assertion></svg>`;
    const sent = await send(open, '/verify', post({ 'content-type': 'image/svg+xml', body: svg }));
    expect(deviations('POST', '/verify', sent)).toEqual([]);
  });

  it('an undeclared application/x-www-form-urlencoded body is 415', async () => {
    const sent = await send(open, '/verify', post({ 'content-type': 'application/x-www-form-urlencoded', body: 'assertion=demo-valid' }));
    expect([sent.status, code(sent)]).toEqual([415, 'unsupported_media_type']);
  });

  it('an undeclared +json media type (application/vnd.example+json) is 415', async () => {
    const sent = await send(
      open,
      '/verify',
      post({ 'content-type': 'application/vnd.example+json', body: JSON.stringify({ assertion: 'demo-valid' }) }),
    );
    expect(sent.status).toBe(415);
  });

  it('an undeclared multipart/form-data body to POST /assertions/{id}/recipient is 415', async () => {
    const form = new FormData();
    form.set('email', 'alice@example.org');
    const sent = await send(open, '/assertions/demo-valid/recipient', { method: 'POST', body: form });
    expect(sent.status).toBe(415);
  });

  // A known limit of the OpenAPI library's media-type gate: multipart takes a boundary parameter only.
  it('a multipart/form-data body with a charset parameter besides its boundary is a documented 415', async () => {
    const form = new FormData();
    form.set('assertion', 'demo-valid');
    const request = new Request('http://form.invalid', { method: 'POST', body: form });
    const type = `${request.headers.get('content-type')}; charset=utf-8`;
    const sent = await send(open, '/verify', post({ 'content-type': type, body: await request.text() }));
    expect([sent.status, code(sent)]).toEqual([415, 'unsupported_media_type']);
  });

  it('malformed JSON, wrong/missing content types, empty and oversized bodies, bad batches, rate limit', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const chunked = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 48; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(60));
          controller.close();
        },
      });
    const probes: Array<[string, RequestInit & { headers?: Record<string, string> }, number[], string?]> = [
      ['/verify', post({ 'content-type': 'application/json', body: '{"assertion":' }), [400], 'invalid_body'],
      ['/verify', post({ 'content-type': 'application/json', body: '' }), [400], 'invalid_body'],
      ['/verify', post({ 'content-type': 'application/json', body: 'null' }), [400], 'invalid_body'],
      ['/verify', post(json({ assertion: 'bad id!' })), [400]],
      ['/verify', post(json({ assertion: 'https://10.0.0.1/assertions/x' })), [422], 'refused_url'],
      ['/verify', post(json({ assertion: 'demo-valid', recipient: { type: 'fax', identity: 'x' } })), [400], 'invalid_body'],
      ['/verify', post(json({ assertion: 'demo-valid', extra: 1 })), [200]],
      ['/verify', post({ 'content-type': 'application/ld+json', body: JSON.stringify({ assertion: 'demo-revoked' }) }), [200]],
      ['/verify', post({ 'content-type': 'text/plain', body: 'demo-valid' }), [415], 'unsupported_media_type'],
      ['/verify', { method: 'POST', body: new TextEncoder().encode('{"assertion":"demo-valid"}') }, [415], 'unsupported_media_type'],
      ['/verify', { method: 'POST' }, [400, 422]],
      ['/verify', post({ 'content-type': 'image/png', body: '' }), [400], 'empty_upload'],
      ['/verify', post({ 'content-type': 'image/png', body: 'not a png' }), [422]],
      ['/verify', post({ 'content-type': 'image/svg+xml', body: '<!DOCTYPE svg><svg/>' }), [422], 'svg_doctype_forbidden'],
      ['/verify', post({ 'content-type': 'multipart/form-data; boundary=zzz', body: 'garbage' }), [400], 'invalid_body'],
      ['/verify', post({ 'content-type': 'application/octet-stream', body: big }), [413], 'body_too_large'],
      ['/verify', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: chunked() }, [413], 'body_too_large'],
      ['/verify/batch', post(json({ ids: [] })), [400], 'invalid_body'],
      ['/verify/batch', post(json({ ids: Array.from({ length: 101 }, () => 'demo-valid') })), [400], 'invalid_body'],
      ['/verify/batch', post(json({ ids: ['demo-valid', 'bad id'] })), [400], 'malformed_id'],
      ['/verify/batch', post(json({ ids: ['demo-valid', 'demo-valid', 'demo-revoked', 'nope'] })), [200]],
      ['/verify/batch', post({ 'content-type': 'text/plain', body: '{}' }), [415]],
      ['/verify/batch', { method: 'POST' }, [400]],
    ];
    const problems: string[] = [];
    for (const [url, init, statuses, expectedCode] of probes) {
      const sent = await send(open, url, init);
      const template = url;
      problems.push(...deviations('POST', template, sent));
      if (!statuses.includes(sent.status) || (expectedCode && code(sent) !== expectedCode))
        problems.push(
          `${url} ${JSON.stringify(init.headers)}: expected ${statuses} ${expectedCode ?? ''}, got ${sent.status} ${sent.text.slice(0, 160)}`,
        );
    }
    const address = ip();
    let last: Sent | undefined;
    for (let i = 0; i < 5; i++)
      last = await send(open, '/verify', post(json({ assertion: 'demo-valid' }), { 'cf-connecting-ip': address }));
    expect(last!.status).toBe(429);
    problems.push(...deviations('POST', '/verify', last!));
    expect(problems).toEqual([]);
  });
});

describe('Admin', () => {
  const issuer = () => ({
    id: `${PREFIX}${randomUUID().slice(0, 8)}`,
    name: 'R13',
    url: 'https://r13.example.org',
    email: 'r13@example.org',
  });

  it('a +json media type other than application/json is 415, as "Admin bodies are JSON only" says', async () => {
    const sent = await send(
      open,
      '/admin/issuers',
      post({ 'content-type': 'application/merge-patch+json', body: JSON.stringify(issuer()) }, admin()),
    );
    expect(sent.status).toBe(415);
  });

  it('auth, 409, 422, 404, 400, 413, 415, a URL the database refuses, admin disabled', async () => {
    const created = issuer();
    const probes: Array<[string, string, string, RequestInit & { headers?: Record<string, string> }, number, string?]> = [
      ['POST', '/admin/issuers', '/admin/issuers', post(json(issuer())), 401, 'unauthorized'],
      ['POST', '/admin/issuers', '/admin/issuers', post(json(issuer()), { authorization: 'Basic YTpi' }), 401, 'unauthorized'],
      ['POST', '/admin/issuers', '/admin/issuers', post(json(issuer()), { authorization: 'Bearer a b' }), 400, 'invalid_request'],
      ['POST', '/admin/issuers', '/admin/issuers', post(json(created), admin()), 201],
      ['POST', '/admin/issuers', '/admin/issuers', post(json(created), admin()), 409, 'already_exists'],
      ['POST', '/admin/issuers', '/admin/issuers', post(json({ ...issuer(), url: 'https://r13.example.org/\u0000' }), admin()), 422],
      ['POST', '/admin/issuers', '/admin/issuers', post(json({ ...issuer(), extra: 1 }), admin()), 400, 'invalid_body'],
      ['POST', '/admin/issuers', '/admin/issuers', post({ 'content-type': 'application/json', body: '{' }, admin()), 400, 'invalid_body'],
      ['POST', '/admin/issuers', '/admin/issuers', post({ 'content-type': 'text/plain', body: '{}' }, admin()), 415],
      ['POST', '/admin/issuers', '/admin/issuers', { method: 'POST', headers: admin(), body: new TextEncoder().encode('{}') }, 415],
      [
        'POST',
        '/admin/issuers',
        '/admin/issuers',
        post({ 'content-type': 'application/json', body: ' '.repeat(3 * 1024 * 1024) }, admin()),
        413,
      ],
      ['PATCH', '/admin/issuers/{id}', '/admin/issuers/r13-nobody', post(json({ name: 'x' }), admin()), 404],
      ['PATCH', '/admin/issuers/{id}', '/admin/issuers/bad%20id', post(json({ name: 'x' }), admin()), 400, 'malformed_id'],
      ['PATCH', '/admin/issuers/{id}', `/admin/issuers/${created.id}`, post(json({}), admin()), 400, 'invalid_body'],
      ['PATCH', '/admin/issuers/{id}', `/admin/issuers/${created.id}`, post(json({ description: null, verification: {} }), admin()), 200],
      [
        'POST',
        '/admin/badges',
        '/admin/badges',
        post(
          json({ issuerId: 'r13-nobody', name: 'b', description: 'd', criteria: { narrative: 'n' }, imageUrl: 'https://x.example/a.png' }),
          admin(),
        ),
        422,
        'unknown_reference',
      ],
      [
        'POST',
        '/admin/badges',
        '/admin/badges',
        post(
          json({
            issuerId: created.id,
            name: 'b',
            description: 'd',
            criteria: { narrative: 'n' },
            image: { type: 'image/png', base64: '' },
          }),
          admin(),
        ),
        422,
      ],
      [
        'POST',
        '/admin/assertions',
        '/admin/assertions',
        post(json({ badgeId: 'r13-nobody', recipient: { identity: 'a@b.c' } }), admin()),
        422,
        'unknown_reference',
      ],
      [
        'POST',
        '/admin/assertions',
        '/admin/assertions',
        post(json({ id: 'demo-valid', badgeId: 'demo-badge', recipient: { identity: 'a@b.c' } }), admin()),
        409,
      ],
      [
        'POST',
        '/admin/assertions',
        '/admin/assertions',
        post(json({ badgeId: 'demo-badge', recipient: { identity: 'a@b.c' }, issuedOn: '9999-12-31T23:59:59-14:00' }), admin()),
        400,
      ],
      [
        'POST',
        '/admin/assertions/batch',
        '/admin/assertions/batch',
        post(json({ badgeId: 'demo-badge', recipients: [{ id: 'demo-valid', identity: 'a@b.c' }] }), admin()),
        409,
      ],
      ['POST', '/admin/assertions/{id}/revoke', '/admin/assertions/r13-nobody/revoke', post(json({ reason: 'x' }), admin()), 404],
      ['POST', '/admin/assertions/{id}/revoke', '/admin/assertions/demo-valid/revoke', post(json({ reason: '' }), admin()), 400],
      ['POST', '/admin/issuers/{id}/keys', '/admin/issuers/r13-nobody/keys', { method: 'POST', headers: admin() }, 404],
    ];
    const problems: string[] = [];
    for (const [method, template, url, init, status, expectedCode] of probes) {
      const sent = await send(open, url, { ...init, method });
      problems.push(...deviations(method, template, sent));
      if (sent.status !== status || (expectedCode && code(sent) !== expectedCode))
        problems.push(`${method} ${url}: expected ${status} ${expectedCode ?? ''}, got ${sent.status} ${sent.text.slice(0, 160)}`);
    }
    // Failed tokens past RATE_LIMIT_ADMIN_FAILURES_PER_MINUTE: 429, with Retry-After.
    const address = ip();
    let last: Sent | undefined;
    for (let i = 0; i < 5; i++)
      last = await send(
        open,
        '/admin/issuers',
        post(json(issuer()), { authorization: 'Bearer wrong-token-123', 'cf-connecting-ip': address }),
      );
    if (last!.status !== 429 || !last!.headers.get('retry-after')) problems.push(`admin failures: got ${last!.status}`);
    problems.push(...deviations('POST', '/admin/issuers', last!));
    // No ADMIN_TOKEN: 503 admin_disabled on every admin operation.
    for (const [method, template, url] of [
      ['POST', '/admin/issuers', '/admin/issuers'],
      ['PATCH', '/admin/badges/{id}', '/admin/badges/demo-badge'],
      ['POST', '/admin/assertions/{id}/revoke', '/admin/assertions/demo-valid/revoke'],
      ['POST', '/admin/issuers/{id}/keys', '/admin/issuers/demo-issuer/keys'],
    ] as const) {
      const sent = await send(closed, url, { ...post(json({ reason: 'x' }), admin()), method });
      problems.push(...deviations(method, template, sent));
      if (sent.status !== 503 || code(sent) !== 'admin_disabled') problems.push(`closed ${method} ${url}: ${sent.status}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('Early answers to bodies, sent without Expect: 100-continue (browsers, fetch, most libraries)', () => {
  const oversized = [3 * 1024 * 1024, 30_000_000];

  it('an oversized body answers a documented 413 body_too_large, however it is sent, to every route that takes one', async () => {
    const problems: string[] = [];
    const expect413 = (what: string, method: string, template: string, sent: Sent) => {
      problems.push(...deviations(method, template, sent));
      if (sent.status !== 413 || code(sent) !== 'body_too_large') problems.push(`${what}: got ${sent.status} ${sent.text.slice(0, 120)}`);
    };
    const chunked = (bytes: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let left = bytes; left > 0; left -= 64 * 1024) controller.enqueue(new Uint8Array(Math.min(left, 64 * 1024)).fill(32));
          controller.close();
        },
      });
    for (const [template, url, headers] of [
      ['/verify', '/verify', { 'content-type': 'application/octet-stream' }],
      ['/verify/batch', '/verify/batch', { 'content-type': 'application/json' }],
      ['/admin/issuers', '/admin/issuers', admin({ 'content-type': 'application/json' })],
      ['/admin/assertions/{id}/revoke', '/admin/assertions/demo-valid/revoke', admin({ 'content-type': 'application/json' })],
    ] as const) {
      for (const bytes of oversized) {
        const body = new Uint8Array(bytes).fill(32);
        const withIp = { ...headers, 'cf-connecting-ip': ip() };
        const fetched = await fetch(`${open}${url}`, { method: 'POST', headers: withIp, body });
        expect413(`fetch ${bytes} B to ${url}`, 'POST', template, {
          status: fetched.status,
          type: (fetched.headers.get('content-type') ?? '').split(';')[0]!.trim(),
          text: await fetched.text(),
          headers: fetched.headers,
        });
        expect413(`http.request ${bytes} B to ${url}`, 'POST', template, await sendWithoutExpect(`${open}${url}`, 'POST', withIp, body));
      }
      expect413(
        `chunked to ${url}`,
        'POST',
        template,
        await send(open, url, { method: 'POST', headers: { ...headers }, body: chunked(3 * 1024 * 1024) }),
      );
    }
    expect(problems).toEqual([]);
  });

  it('the largest accepted body is read whole and one byte more is refused, by Content-Length and chunked', async () => {
    const limit = 2 * 1024 * 1024;
    for (const bytes of [limit, limit + 1]) {
      const body = new Uint8Array(bytes).fill(32);
      const headers = { 'content-type': 'application/octet-stream' };
      const fixed = await send(open, '/verify', { method: 'POST', headers, body });
      const chunked = await send(open, '/verify', { method: 'POST', headers, body: new Blob([body]).stream() });
      // The limit's own size reaches the route (not an image: 422); one byte more is 413.
      expect([fixed.status, code(fixed), chunked.status, code(chunked)], `${bytes} bytes`).toEqual(
        bytes > limit ? [413, 'body_too_large', 413, 'body_too_large'] : [422, code(fixed), 422, code(fixed)],
      );
    }
  });

  it('after five 30 MB bodies /health answers, wrong tokens with bodies answer 401 every time, and workerd logged nothing uncaught', async () => {
    const big = new Uint8Array(30_000_000);
    for (let i = 0; i < 5; i++) {
      const sent = await sendWithoutExpect(`${open}/verify`, 'POST', { 'content-type': 'image/png', 'cf-connecting-ip': ip() }, big);
      expect(sent.status).toBe(413);
    }
    expect((await send(open, '/health')).status).toBe(200);
    const problems: string[] = [];
    for (let i = 0; i < 20; i++) {
      const sent = await send(
        open,
        '/admin/issuers',
        post(json({ name: 'x'.repeat(100_000 * (i % 3)) }), { authorization: 'Bearer wrong-token-123' }),
      );
      problems.push(...deviations('POST', '/admin/issuers', sent));
      if (sent.status !== 401) problems.push(`wrong token ${i}: ${sent.status} ${sent.text.slice(0, 120)}`);
    }
    expect(problems).toEqual([]);
    expect(workerdLog()).not.toMatch(/uncaught/i);
  });
});
