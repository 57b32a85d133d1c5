/** @module Applies the committed migrations in `drizzle/` to a Postgres (`npm run db:migrate` uses DATABASE_URL). */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { DEFAULT_DATABASE_URL, withPgClient } from './backends.ts';

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export async function applyMigrations(databaseUrl: string) {
  await withPgClient(databaseUrl, async (client) => {
    // Serialises concurrent runs (dev and tests starting together) on one database.
    await client.query('SELECT pg_advisory_lock(727274)');
    await migrate(drizzle(client), { migrationsFolder });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  await applyMigrations(url);
  console.log(`migrations applied to ${new URL(url).host}${new URL(url).pathname}`);
}
