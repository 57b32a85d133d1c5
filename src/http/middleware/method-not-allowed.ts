/** @module 405 with `Allow` for a known path asked with another method (Hono itself answers 404). */
import { problemResponse } from '../problem.ts';

type Route = { pattern: RegExp; method: string };

/** What this needs of a Hono app: its route table. */
type RouteTable = { routes: ReadonlyArray<{ method: string; path: string }> };

// Unknown paths are what scanners send most: the route patterns are compiled once per isolate.
const compiled = new WeakMap<RouteTable, Route[]>();

function routesOf(app: RouteTable): Route[] {
  let routes = compiled.get(app);
  if (!routes) {
    routes = app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ method: route.method, pattern: new RegExp(`^${route.path.replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}$`) }));
    compiled.set(app, routes);
  }
  return routes;
}

/** The allowed methods of `path` among `app`'s routes (middleware, registered for ALL, excluded). */
export function allowedMethods(app: RouteTable, path: string): string[] {
  const methods = new Set(
    routesOf(app)
      .filter((route) => route.pattern.test(path))
      .map((route) => route.method),
  );
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods];
}

export function notFoundOrNotAllowed(app: RouteTable, method: string, path: string): Response {
  const allowed = allowedMethods(app, path);
  if (allowed.length && !allowed.includes(method)) {
    return problemResponse(405, 'method_not_allowed', `${method} is not allowed here; use ${allowed.join(', ')}.`, {
      allow: allowed.join(', '),
    });
  }
  return problemResponse(404, 'route_not_found', `No route for ${method} ${path}.`);
}
