/** @module GET /docs: the API reference, rendered here from the OpenAPI document (no script, no CDN). */
import type { openApiDocument } from '../openapi/document.ts';
import { Layout } from './layout.tsx';

type Document = ReturnType<typeof openApiDocument>;
type Operation = {
  summary: string;
  tags: string[];
  requestBody?: { description?: string; content: Record<string, { schema?: unknown; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { example?: unknown; schema?: unknown }> }>;
};

const pretty = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

export function DocsPage({ doc, url }: { doc: Document; url: string }) {
  const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Operation })),
  );
  const tags = [...new Set(routes.map((r) => r.op.tags[0]!))];
  return (
    <Layout meta={{ title: `${doc.info.title} — reference`, description: doc.info.description, url }}>
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
                      <pre>{pretty(body.example)}</pre>
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
                      {Object.values(response.content ?? {}).map((c) => c.example !== undefined && <pre>{pretty(c.example)}</pre>)}
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
