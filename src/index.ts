/** @module The Worker: a Hono app with its dependencies on the context and one error path. */
import { Hono } from 'hono';
import { setMetric, timing } from 'hono/timing';
import type { AppEnv } from './app-env.ts';
import { newQueryMeter } from './db/meter.ts';
import { depsFor } from './deps.ts';
import { publicUrls } from './openbadges/urls.ts';
import { problemResponse, renderProblem } from './problem.ts';
import { documents } from './routes/documents.ts';
import { health } from './routes/health.ts';
import { images } from './routes/images.ts';
import { verification } from './routes/verify.ts';

const app = new Hono<AppEnv>();

app.use(timing({ totalDescription: 'worker' }));
app.use(async (c, next) => {
  const deps = depsFor(c.env);
  const meter = newQueryMeter();
  c.set('deps', deps);
  c.set('urls', publicUrls(deps.config.publicBaseUrl));
  c.set('scope', { deps, meter, waitUntil: (work) => c.executionCtx.waitUntil(work) });
  try {
    await next();
  } finally {
    // Server-Timing: database time and how many statements (in how many requests) it took.
    setMetric(c, 'db', meter.milliseconds, `${meter.statements} statements in ${meter.requests} requests`);
  }
});

app.route('/', health);
app.route('/', documents);
app.route('/', images);
app.route('/', verification);

app.notFound((c) => problemResponse(404, 'route_not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`));
app.onError(renderProblem);

export default app;
