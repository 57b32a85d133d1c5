/** Helpers for reading and steering the local stack from tests inside workerd. */
import { env } from 'cloudflare:workers';

export type NeonStats = { httpRequests: number; statements: number; wsSessions: number } & Record<string, number>;
export type UpstashStats = { requests: number; commands: number } & Record<string, number>;

export const neonStats = async () => (await fetch(`${env.STACK_NEON_URL}/__stats`)).json<NeonStats>();
export const upstashStats = async () => (await fetch(`${env.STACK_UPSTASH_URL}/__stats`)).json<UpstashStats>();

export async function resetStats() {
  await Promise.all([
    fetch(`${env.STACK_NEON_URL}/__stats/reset`, { method: 'POST' }),
    fetch(`${env.STACK_UPSTASH_URL}/__stats/reset`, { method: 'POST' }),
  ]);
}

/** Sets injected latency or a fault on one service of the local stack. */
export async function control(
  service: 'neon' | 'upstash',
  settings: { latencyMs?: number; fault?: 'error' | 'hang' | null; holdReplyMs?: number },
) {
  const base = service === 'neon' ? env.STACK_NEON_URL : env.STACK_UPSTASH_URL;
  await fetch(`${base}/__control`, { method: 'POST', body: JSON.stringify(settings) });
}
