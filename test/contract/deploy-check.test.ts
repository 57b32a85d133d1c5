/**
 * `npm run deploy:check`: the committed production environment passes; each broken one fails
 * naming its problem. Variants are the committed wrangler.toml with one edit each.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeploy } from '../../dev/deploy-check.ts';

const root = path.resolve(import.meta.dirname, '../..');
const committed = readFileSync(path.join(root, 'wrangler.toml'), 'utf8');
const dir = path.join(root, 'test-results', 'deploy-check');
mkdirSync(dir, { recursive: true });

/** The committed config with `edit` applied, in its own file. */
function variant(name: string, edit: (toml: string) => string): string {
  const toml = edit(committed);
  expect(toml, `the edit "${name}" changed nothing`).not.toBe(committed);
  const file = path.join(dir, `${name}.toml`);
  writeFileSync(file, toml);
  return file;
}

const addProductionVar = (line: string) => (toml: string) => toml.replace('[env.production.vars]\n', `[env.production.vars]\n${line}\n`);

describe('npm run deploy:check', () => {
  it('passes on the committed production environment and lists the secrets to put', () => {
    const result = checkDeploy(path.join(root, 'wrangler.toml'), 'production');
    expect(result.problems).toEqual([]);
    expect(result.secrets.filter((s) => s.required).map((s) => s.name)).toEqual(['DATABASE_URL', 'ADMIN_TOKEN', 'CREDENTIAL_KEY_SECRET']);
    expect(result.secrets.map((s) => s.name)).toEqual(expect.arrayContaining(['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN']));
    expect(result.secrets.map((s) => s.name)).not.toContain('NEON_HTTP_ENDPOINT');
  });

  const broken: Array<[string, (toml: string) => string, RegExp]> = [
    ['neon-endpoint', addProductionVar('NEON_HTTP_ENDPOINT = "http://127.0.0.1:4444/sql"'), /NEON_HTTP_ENDPOINT: local only/],
    ['purge-url', addProductionVar('WORKERS_CACHE_PURGE_URL = "http://127.0.0.1:8787/__purge"'), /WORKERS_CACHE_PURGE_URL: local only/],
    ['host-map', addProductionVar('REMOTE_FETCH_HOSTS = "issuer.example=http://127.0.0.1:9999"'), /REMOTE_FETCH_HOSTS: local only/],
    ['metrics-local', addProductionVar('METRICS_LOCAL_URL = "http://127.0.0.1:9999/points"'), /METRICS_LOCAL_URL: local only/],
    ['committed-secret', addProductionVar('ADMIN_TOKEN = "a-token-in-git-0123"'), /ADMIN_TOKEN: a secret in \[env.production.vars\]/],
    [
      'bad-ttl',
      (t) => t.replace(/(\[env\.production\.vars\][\s\S]*?)ASSERTION_TTL_SECONDS = "60"/, '$1ASSERTION_TTL_SECONDS = "3600"'),
      /ASSERTION_TTL_SECONDS/,
    ],
    [
      'http-origin',
      (t) => t.replace('PUBLIC_BASE_URL = "https://badges.example.org"', 'PUBLIC_BASE_URL = "http://badges.example.org"'),
      /PUBLIC_BASE_URL: production is served over https/,
    ],
    [
      'no-metrics',
      (t) => t.replace(/\[\[env\.production\.analytics_engine_datasets\]\]\nbinding = "METRICS"\ndataset = "badge_verify_metrics"\n/, ''),
      /binding = "METRICS" is missing/,
    ],
    [
      'no-strict-fetch',
      (t) =>
        t.replace('compatibility_flags = ["nodejs_compat", "global_fetch_strictly_public"]', 'compatibility_flags = ["nodejs_compat"]'),
      /global_fetch_strictly_public is missing/,
    ],
    ['no-cron', (t) => t.replace('crons = ["* * * * *"]', 'crons = []'), /no Cron Trigger/],
    ['no-cache', (t) => t.replace('[cache]\nenabled = true', '[cache]\nenabled = false'), /\[cache\] enabled = true is missing/],
    [
      'no-observability',
      (t) => t.replace('[observability]\nenabled = true', '[observability]\nenabled = false'),
      /\[observability\] enabled = true is missing/,
    ],
    ['no-sampling', (t) => t.replace(/head_sampling_rate = [\d.]+\n/, ''), /head_sampling_rate is not set/],
    ['no-production', (t) => t.replace(/\[env\.production[\s\S]*$/, ''), /no \[env\.production\]/],
  ];
  for (const [name, edit, problem] of broken) {
    it(`fails naming the problem: ${name}`, () => {
      const { problems } = checkDeploy(variant(name, edit), 'production');
      expect(problems.join('\n')).toMatch(problem);
    });
  }
});
