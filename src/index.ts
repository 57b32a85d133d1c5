/** @module The Worker: a Hono app with its dependencies on the context and one error path. */
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { timing } from 'hono/timing';
import type { AppEnv } from './app-env.ts';
import { problemResponse, renderProblem } from './problem.ts';
import { requestScope } from './request-scope.ts';
import { admin } from './routes/admin.ts';
import { documents } from './routes/documents.ts';
import { health } from './routes/health.ts';
import { images } from './routes/images.ts';
import { verification } from './routes/verify.ts';

const app = new Hono<AppEnv>();

app.use(timing({ totalDescription: 'worker' }));
// Strong ETags on every 2xx GET, and 304 for a matching If-None-Match.
app.use(etag());
app.use(requestScope);

app.route('/', health);
app.route('/', documents);
app.route('/', images);
app.route('/', verification);
app.route('/', admin);

app.notFound((c) => problemResponse(404, 'route_not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`));
app.onError(renderProblem);

export default app;
