/** @module Bundling a Worker as `wrangler deploy` would, without deploying. */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Bundles the Worker described by `configPath` into `outdir`; returns the bundled module's path. */
export function bundleWorker(root: string, configPath: string, outdir: string): string {
  rmSync(outdir, { recursive: true, force: true });
  execFileSync(process.execPath, ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', outdir, '-c', configPath], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  const [module] = readdirSync(outdir).filter((file) => file.endsWith('.js'));
  if (!module) throw new Error(`wrangler produced no module in ${outdir}`);
  return path.join(outdir, module);
}
