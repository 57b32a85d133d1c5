/**
 * @module The Worker's bindings, as wrangler.toml and `wrangler secret put` provide them: generated
 * by `npm run types` (`wrangler types`, from wrangler.toml and dev/bindings.env) into
 * worker-configuration.d.ts, and checked for drift by CI. src/config.ts validates them.
 */
export type Bindings = Cloudflare.Env;
