/** @module GET /docs: the API reference, rendered here from the OpenAPI document (no script, no CDN). */
import { Layout } from './layout.tsx';

/** What this page reads of an OpenAPI 3.1 document. */
export type ApiDocument = {
  info: { title: string; description?: string };
  paths?: Record<string, object>;
  components?: { schemas?: Record<string, unknown> };
};
type Media = { schema?: Schema; example?: unknown };
type Schema = { $ref?: string; example?: unknown };
type Operation = {
  summary: string;
  tags: string[];
  requestBody?: { description?: string; content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
};

const pretty = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** A media type's example: its own, or its schema's (named schemas are `$ref`s into the components). */
function exampleOf(media: Media, doc: ApiDocument): unknown {
  const ref = media.schema?.$ref?.replace('#/components/schemas/', '');
  const schema = (ref ? doc.components?.schemas?.[ref] : media.schema) as Schema | undefined;
  return media.example ?? schema?.example;
}

export function DocsPage({ doc, url }: { doc: ApiDocument; url: string }) {
  const routes = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, unknown>).map(([method, op]) => ({ path, method, op: op as Operation })),
  );
  const tags = [...new Set(routes.map((r) => r.op.tags[0]!))];
  return (
    <Layout meta={{ title: `${doc.info.title} — reference`, description: doc.info.description ?? doc.info.title, url }}>
      <h1>{doc.info.title}</h1>
      <p>
        {doc.info.description} OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a>. Admin routes need{' '}
        <code>Authorization: Bearer ADMIN_TOKEN</code>.
      </p>
      <nav aria-label="Sections">
        <ul>
          {tags.map((tag) => (
            <li>
              <a href={`#${tag.toLowerCase()}`}>{tag}</a>
            </li>
          ))}
        </ul>
      </nav>
      {tags.map((tag) => (
        <section class="card" id={tag.toLowerCase()} aria-labelledby={`h-${tag}`}>
          <h2 id={`h-${tag}`}>{tag}</h2>
          {routes
            .filter((r) => r.op.tags[0] === tag)
            .map(({ path, method, op }) => (
              <div class="route" data-testid="route">
                <h3>
                  <span class="method">{method.toUpperCase()}</span>
                  <code>{path}</code>
                </h3>
                <p>{op.summary}</p>
                {op.requestBody &&
                  Object.entries(op.requestBody.content).map(([type, body]) => (
                    <details>
                      <summary>
                        Request body <code>{type}</code>
                      </summary>
                      {op.requestBody?.description && <p>{op.requestBody.description}</p>}
                      <p>Example</p>
                      <pre>{pretty(exampleOf(body, doc))}</pre>
                      <p>Schema</p>
                      <pre>{pretty(body.schema)}</pre>
                    </details>
                  ))}
                <details>
                  <summary>Responses: {Object.keys(op.responses).join(', ')}</summary>
                  {Object.entries(op.responses).map(([status, response]) => (
                    <>
                      <p>
                        <strong>{status}</strong> {response.description}
                      </p>
                      {Object.values(response.content ?? {}).map(
                        (c) => exampleOf(c, doc) !== undefined && <pre>{pretty(exampleOf(c, doc))}</pre>,
                      )}
                    </>
                  ))}
                </details>
              </div>
            ))}
        </section>
      ))}
    </Layout>
  );
}
