/**
 * The contract: `/openapi.json` is a valid OpenAPI 3.1 document, documents every route the app
 * serves, and each documented example, sent to the production bundle on bare workerd over the
 * local stack, gets a documented status whose body matches the documented schema.
 */
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withPgClient } from '../../dev/backends.ts';
import { localStackBindings } from '../../dev/bindings.ts';
import { resetDemoData } from '../../dev/seed.ts';
import { serveBundle } from '../../dev/workerd.ts';

const root = path.resolve(import.meta.dirname, '../..');
const stack = inject('stack');
const ADMIN_TOKEN = 'contract-admin-token';

type Schema = Record<string, unknown>;
type Media = { schema?: Schema; example?: unknown };
type Operation = {
  parameters?: Array<{ name: string; in: string; schema?: Schema & { example?: unknown }; example?: unknown }>;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
  security?: unknown[];
};
type Document = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

let base: string;
let stop: () => Promise<void>;
let doc: Document;
const created: Array<{ table: string; id: string }> = [];

beforeAll(async () => {
  await resetDemoData(stack);
  const served = await serveBundle(root, 'contract', (origin) =>
    localStackBindings(
      stack,
      { publicBaseUrl: origin },
      { ADMIN_TOKEN, RATE_LIMIT_VERIFY_PER_MINUTE: '0', RATE_LIMIT_REVOCATION_LISTS_PER_MINUTE: '0' },
    ),
  );
  base = served.base;
  stop = served.stop;
  doc = await (await fetch(`${base}/openapi.json`)).json();
}, 120_000);

afterAll(async () => {
  await stop?.();
  // What the examples created, then the demo as it was.
  await withPgClient(stack.postgresUrl, async (client) => {
    for (const table of ['assertions', 'badge_classes', 'issuers']) {
      const ids = created.filter((row) => row.table === table).map((row) => row.id);
      if (ids.length) await client.query(`delete from ${table} where id = any($1::text[])`, [ids]);
    }
  });
  await resetDemoData(stack);
});

/** A validator for the document's schemas: `#/components/...` references resolve into the document. */
function schemaChecker(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const rewrite = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
  ajv.addSchema({ $id: 'openapi', components: rewrite(document.components ?? {}) });
  return (schema: Schema, value: unknown) => {
    const validate = ajv.compile(rewrite(schema));
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

/** A media type's example: its own, or its schema's (named schemas are `$ref`s into the components). */
function exampleOf(media: Media): unknown {
  if (media.example !== undefined) return media.example;
  const ref = (media.schema?.$ref as string | undefined)?.replace('#/components/schemas/', '');
  return ((ref ? doc.components?.schemas?.[ref] : media.schema) as { example?: unknown } | undefined)?.example;
}

/** The request a documented example makes, or undefined when the operation documents none it can send. */
function exampleRequest(pathTemplate: string, method: string, op: Operation): Request | undefined {
  let url = pathTemplate;
  const query = new URLSearchParams();
  for (const parameter of op.parameters ?? []) {
    const example = parameter.example ?? parameter.schema?.example;
    if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(String(example)));
    // A query example names the documentation's origin; sent here, it names the served one.
    if (parameter.in === 'query' && example !== undefined)
      query.set(parameter.name, String(example).replace('https://badges.example.org', base));
  }
  if (query.size) url += `?${query}`;
  const headers = new Headers(op.security?.length ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {});
  let body: string | undefined;
  if (op.requestBody) {
    const sendable = Object.entries(op.requestBody.content).find(
      ([type, media]) => (type === 'application/json' || type === 'application/x-www-form-urlencoded') && exampleOf(media) !== undefined,
    );
    if (!sendable) return undefined;
    const [type, media] = sendable;
    const example = exampleOf(media) as Record<string, string>;
    body = type === 'application/json' ? JSON.stringify(example) : new URLSearchParams(example).toString();
    headers.set('content-type', type);
  }
  return new Request(`${base}${url}`, { method: method.toUpperCase(), headers, body, redirect: 'manual' });
}

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('gives every operation an example to send, and every request body one', () => {
    for (const [pathTemplate, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(exampleRequest(pathTemplate, method, op), `${method} ${pathTemplate}`).toBeDefined();
      }
    }
  });

  it('answers each documented example with a documented status and a body of the documented schema', async () => {
    const check = schemaChecker(doc);
    const order = (method: string) => (method === 'get' ? 0 : 1); // reads first, then writes
    const operations = Object.entries(doc.paths)
      .flatMap(([pathTemplate, methods]) => Object.entries(methods).map(([method, op]) => ({ pathTemplate, method, op })))
      .sort((a, b) => order(a.method) - order(b.method));
    for (const { pathTemplate, method, op } of operations) {
      const what = `${method.toUpperCase()} ${pathTemplate}`;
      const response = await fetch(exampleRequest(pathTemplate, method, op)!);
      const documented = op.responses[String(response.status)];
      const text = await response.text();
      expect(documented, `${what} answered ${response.status}: ${text.slice(0, 300)}`).toBeDefined();
      expect(response.status, `${what}: the example should succeed`).toBeLessThan(400);
      if (!documented?.content) continue;
      const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
      const media = documented.content[type];
      expect(media, `${what} ${response.status} answered ${type}, documented ${Object.keys(documented.content)}`).toBeDefined();
      if (type.endsWith('json') && media?.schema) {
        const body = JSON.parse(text);
        expect(check(media.schema, body), `${what} ${response.status} body`).toEqual([]);
        const id = (body as { id?: unknown }).id;
        const table = { '/admin/issuers': 'issuers', '/admin/badges': 'badge_classes', '/admin/assertions': 'assertions' }[pathTemplate];
        if (table && typeof id === 'string') created.push({ table, id });
        for (const issued of (body as { assertions?: Array<{ id: string }> }).assertions ?? [])
          created.push({ table: 'assertions', id: issued.id });
      }
    }
  });
});
