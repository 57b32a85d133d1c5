/** @module The Worker: a Hono app with its dependencies on the context and one error path. */
import { Hono } from 'hono';
import { timing } from 'hono/timing';
import type { AppEnv } from './app-env.ts';
import { depsFor } from './deps.ts';
import { problemResponse, renderProblem } from './problem.ts';
import { health } from './routes/health.ts';

const app = new Hono<AppEnv>();

app.use(timing({ totalDescription: 'worker' }));
app.use(async (c, next) => {
  c.set('deps', depsFor(c.env));
  await next();
});

app.route('/', health);

app.notFound((c) => problemResponse(404, 'route_not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`));
app.onError(renderProblem);

export default app;
