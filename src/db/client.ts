/** @module Driver setup: Drizzle over the Neon serverless driver's HTTP transport. */
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import type { Config } from '../platform/config.ts';
import * as schema from './schema.ts';

export type Database = ReturnType<typeof createDatabase>;

/**
 * A Drizzle instance for one connection string. Each query is one HTTPS request that Neon
 * pools on its side, so nothing here holds a connection between requests.
 */
export function createDatabase(url: string, database: Config['database']) {
  // Both settings are global to the driver module; every isolate has one configuration.
  if (database.httpEndpoint) neonConfig.fetchEndpoint = database.httpEndpoint;
  // A hung database must fail the request (503), not hold it until the platform kills it.
  neonConfig.fetchFunction = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    fetch(input, { ...init, signal: AbortSignal.timeout(database.timeoutMs) });
  return drizzle({ client: neon(url), schema });
}
