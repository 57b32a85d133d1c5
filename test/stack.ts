/** Helpers for reading and steering the local stack from tests inside workerd. */
import { env } from 'cloudflare:workers';

export type NeonStats = { httpRequests: number; statements: number; wsSessions: number };
export type UpstashStats = { requests: number; commands: number };

export const neonStats = async () => (await fetch(`${env.STACK_NEON_URL}/__stats`)).json<NeonStats>();
export const upstashStats = async () => (await fetch(`${env.STACK_UPSTASH_URL}/__stats`)).json<UpstashStats>();

export async function resetStats() {
  await Promise.all([
    fetch(`${env.STACK_NEON_URL}/__stats/reset`, { method: 'POST' }),
    fetch(`${env.STACK_UPSTASH_URL}/__stats/reset`, { method: 'POST' }),
  ]);
}
