/**
 * @module `npm run deploy:check [-- --config wrangler.toml --env production]`: the pre-flight
 * before `wrangler deploy --env production`, offline. Reads the environment as wrangler resolves
 * it (`unstable_readConfig`: inheritance of top-level keys included), validates its vars with the
 * Worker's own parser (`src/platform/config.ts`), checks the settings the design relies on (the
 * Cron Trigger, Workers Cache, Workers Logs, the `METRICS` Analytics Engine dataset, the
 * compatibility flags), refuses local-only settings, and lists the secrets to put, by name.
 * Secrets, optional settings and local-only settings are told apart by their comments in
 * dev/bindings.env, the one list of them. Exits 1 on any problem.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { unstable_readConfig } from 'wrangler';
import { ConfigError, parseConfig } from '../src/platform/config.ts';

export type BindingKind = 'secret' | 'optional secret' | 'local only' | 'setting';
export type DeployCheck = {
  /** Each names what is wrong; empty when the environment may be deployed. */
  problems: string[];
  /** Worth a look, not a failure (a placeholder domain, say). */
  warnings: string[];
  /** Secrets to `wrangler secret put`, required first. */
  secrets: { name: string; required: boolean }[];
};

const root = path.resolve(import.meta.dirname, '..');
const REQUIRED_FLAGS = ['nodejs_compat', 'global_fetch_strictly_public'];
/** Any variable that maps hosts to local servers is a dev host map. */
const HOST_MAP = /(^|_)(HOSTS?|HOST_MAP)$/;

/** Every binding dev/bindings.env names, by the kind its comment gives it. */
export function bindingKinds(file = path.join(root, 'dev/bindings.env')): Map<string, BindingKind> {
  const kinds = new Map<string, BindingKind>();
  let comment = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('#')) comment = line.replace(/^#\s*/, '');
    const name = /^([A-Z0-9_]+)=/.exec(line)?.[1];
    if (!name) continue;
    kinds.set(
      name,
      /^Secret\b/.test(comment)
        ? 'secret'
        : /^Optional secrets?\b/.test(comment)
          ? 'optional secret'
          : /^Local (stack )?only\b/.test(comment)
            ? 'local only'
            : 'setting',
    );
  }
  return kinds;
}

/** Placeholder secrets, so the vars can be parsed alone: never printed, never deployed. */
const PLACEHOLDER_SECRETS = { DATABASE_URL: 'postgres://user@ep-placeholder.eu-central-1.aws.neon.tech/neondb' };

export function checkDeploy(configPath = path.join(root, 'wrangler.toml'), env = 'production'): DeployCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  const kinds = bindingKinds();
  const secrets = [...kinds]
    .filter(([, kind]) => kind === 'secret' || kind === 'optional secret')
    .map(([name, kind]) => ({ name, required: kind === 'secret' }))
    .sort((a, b) => Number(b.required) - Number(a.required));
  let config: ReturnType<typeof unstable_readConfig>;
  try {
    config = unstable_readConfig({ config: configPath, env }, { hideWarnings: true });
  } catch (error) {
    return { problems: [`${path.basename(configPath)} does not parse: ${(error as Error).message}`], warnings, secrets };
  }
  // Without its own section wrangler falls back to the top level: the local settings.
  if (!readFileSync(configPath, 'utf8').includes(`[env.${env}`)) problems.push(`no [env.${env}] in ${path.basename(configPath)}`);

  const vars = (config.vars ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(vars)) {
    const kind = kinds.get(name);
    if (kind === 'local only' || HOST_MAP.test(name))
      problems.push(`${name}: local only, never in production (remove it from [env.${env}.vars])`);
    if (kind === 'secret' || kind === 'optional secret')
      problems.push(
        `${name}: a secret in [env.${env}.vars] (committed in plain text); remove it and run \`wrangler secret put ${name} --env ${env}\``,
      );
  }
  try {
    const parsed = parseConfig({ ...PLACEHOLDER_SECRETS, ...(vars as Record<string, string>) } as never);
    const base = new URL(parsed.publicBaseUrl);
    if (base.protocol !== 'https:') problems.push('PUBLIC_BASE_URL: production is served over https (did:web and verifiers need it)');
    if (['localhost', '127.0.0.1', '[::1]'].includes(base.hostname)) problems.push('PUBLIC_BASE_URL: a local address');
    if (base.hostname.endsWith('example.org') || base.hostname.endsWith('example.com'))
      warnings.push(`PUBLIC_BASE_URL is the placeholder ${base.origin}: set your custom domain (or your workers.dev URL)`);
    if (parsed.issuerDidMethod !== 'web')
      warnings.push('ISSUER_DID_METHOD is not `web`: OB 3.0 issuers will be did:key (a new id per key)');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message);
  }

  const flags = config.compatibility_flags ?? [];
  for (const flag of REQUIRED_FLAGS) if (!flags.includes(flag)) problems.push(`compatibility_flags: ${flag} is missing`);
  if (!config.compatibility_date) problems.push('compatibility_date is not set');
  const crons = config.triggers?.crons ?? [];
  if (!crons.length) problems.push('[triggers] crons: no Cron Trigger (the cache outbox would never be drained)');
  for (const cron of crons) if (cron.trim().split(/\s+/).length !== 5) problems.push(`[triggers] crons: "${cron}" is not a 5-field cron`);
  const cache = (config as { cache?: { enabled?: boolean } }).cache;
  if (cache?.enabled !== true) problems.push('[cache] enabled = true is missing (Workers Cache in front of CachedApp)');
  const exported = (config as { exports?: Record<string, { cache?: { enabled?: boolean } }> }).exports;
  if (exported?.CachedApp?.cache?.enabled !== true) problems.push('[exports.CachedApp] cache = { enabled = true } is missing');
  const observability = config.observability;
  if (observability?.enabled !== true) problems.push('[observability] enabled = true is missing (Workers Logs: the request log lines)');
  const rate = observability?.head_sampling_rate;
  if (rate === undefined) problems.push('[observability] head_sampling_rate is not set (choose the share of requests logged)');
  else if (!(rate > 0 && rate <= 1)) problems.push(`[observability] head_sampling_rate ${rate} is not in (0, 1]`);
  const metrics = (config.analytics_engine_datasets ?? []).find((d: { binding: string; dataset?: string }) => d.binding === 'METRICS');
  if (!metrics) problems.push(`[[env.${env}.analytics_engine_datasets]] binding = "METRICS" is missing (request metrics)`);
  else if (!metrics.dataset) problems.push('METRICS: no dataset name');
  return { problems, warnings, secrets };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { config: { type: 'string' }, env: { type: 'string', default: 'production' } } });
  const configPath = path.resolve(values.config ?? path.join(root, 'wrangler.toml'));
  const env = values.env!;
  const { problems, warnings, secrets } = checkDeploy(configPath, env);
  for (const warning of warnings) console.log(`warning: ${warning}`);
  console.log(`\nSecrets for --env ${env} (set each with \`npx wrangler secret put NAME --env ${env}\`):`);
  for (const { name, required } of secrets) console.log(`  ${name}${required ? '' : '  (optional)'}`);
  if (problems.length) {
    console.error(`\n${path.basename(configPath)} [env.${env}] is not ready to deploy:`);
    for (const problem of problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  console.log(`\n${path.basename(configPath)} [env.${env}]: ready to deploy.`);
}
