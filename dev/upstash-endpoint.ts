/**
 * @module A local stand-in for Upstash's Redis REST API (`/`, `/pipeline`, `/multi-exec`) in
 * front of a real Redis (or an in-memory one).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { RedisBackend, RedisCommand } from './backends.ts';
import { type Controls, handleControlRoute, listenOnLoopback, readJson, sendJson, withControls } from './controls.ts';

export type UpstashEndpointOptions = {
  backend: RedisBackend;
  token: string;
  port?: number;
  latencyMs?: number;
};

/** `requests` and `commands`, plus one `cmd:<name>` counter per command name seen (e.g. `cmd:mget`). */
export type UpstashStats = { requests: number; commands: number } & Record<string, number>;

/**
 * With `Upstash-Encoding: base64` every bulk and status string is base64 (the client decodes
 * with `atob`); numbers and nil stay JSON. Without it strings are sent as UTF-8 text.
 */
function encode(reply: unknown, base64: boolean): unknown {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'number') return reply;
  if (Array.isArray(reply)) return reply.map((item) => encode(item, base64));
  // ioredis hands HGETALL back as an object even from callBuffer; Upstash answers a flat [field, value, …] array.
  if (typeof reply === 'object' && !Buffer.isBuffer(reply))
    return Object.entries(reply).flatMap((pair) => encode(pair, base64) as unknown[]);
  const bytes = Buffer.isBuffer(reply) ? reply : Buffer.from(String(reply), 'utf8');
  return base64 ? bytes.toString('base64') : bytes.toString('utf8');
}

function isCommand(value: unknown): value is RedisCommand {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number');
}

function errorMessage(error: unknown) {
  const message = (error as Error).message ?? String(error);
  return /^[A-Z]+ /.test(message) ? message : `ERR ${message}`;
}

/**
 * Upstash accepts the `allow-key-locking` script flag (used by @upstash/ratelimit); Redis 7.0
 * and the in-memory stand-in reject it. Scripts are run without that shebang, and EVALSHA of the
 * original text is mapped to the rewritten script's digest.
 */
function scriptRewriter() {
  const SHEBANG = /^#!lua flags=allow-key-locking\s*\n/;
  const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
  const rewrittenSha = new Map<string, string>();
  return (command: RedisCommand): RedisCommand => {
    const name = String(command[0]).toLowerCase();
    const scriptIndex =
      name === 'eval' || name === 'eval_ro' ? 1 : name === 'script' && String(command[1]).toLowerCase() === 'load' ? 2 : -1;
    if (scriptIndex > 0 && SHEBANG.test(String(command[scriptIndex]))) {
      const original = String(command[scriptIndex]);
      const script = original.replace(SHEBANG, '');
      rewrittenSha.set(sha1(original), sha1(script));
      return command.map((part, i) => (i === scriptIndex ? script : part));
    }
    if ((name === 'evalsha' || name === 'evalsha_ro') && rewrittenSha.has(String(command[1]))) {
      return command.map((part, i) => (i === 1 ? rewrittenSha.get(String(part))! : part));
    }
    return command;
  };
}

export async function startUpstashEndpoint(options: UpstashEndpointOptions) {
  const { token } = options;
  const rewrite = scriptRewriter();
  const backend = {
    call: (command: RedisCommand) => options.backend.call(rewrite(command)),
    transaction: (commands: RedisCommand[]) => options.backend.transaction(commands.map(rewrite)),
  };
  const stats: UpstashStats = { requests: 0, commands: 0 };
  const count = (commands: RedisCommand[]) => {
    stats.commands += commands.length;
    for (const [name] of commands) {
      const key = `cmd:${String(name).toLowerCase()}`;
      stats[key] = (stats[key] ?? 0) + 1;
    }
  };
  const controls: Controls = { latencyMs: options.latencyMs ?? 0 };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'ERR only POST is served' });
    if (req.headers.authorization !== `Bearer ${token}`) return sendJson(res, 401, { error: 'Unauthorized' });
    stats.requests++;
    const base64 = req.headers['upstash-encoding'] === 'base64';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const body = await readJson(req).catch(() => undefined);

    if (path === '/') {
      if (!isCommand(body)) return sendJson(res, 400, { error: 'ERR body must be a JSON array command' });
      count([body]);
      try {
        return sendJson(res, 200, { result: encode(await backend.call(body), base64) });
      } catch (error) {
        return sendJson(res, 400, { error: errorMessage(error) });
      }
    }
    if (path === '/pipeline' || path === '/multi-exec') {
      if (!Array.isArray(body) || body.length === 0 || !body.every(isCommand)) {
        return sendJson(res, 400, { error: 'ERR body must be a JSON array of commands' });
      }
      count(body);
      const replies =
        path === '/multi-exec'
          ? await backend.transaction(body)
          : await Promise.all(
              body.map((command) =>
                backend.call(command).then(
                  (result) => ({ result }),
                  (error) => ({ error: errorMessage(error) }),
                ),
              ),
            );
      return sendJson(
        res,
        200,
        replies.map((r) => ('error' in r ? { error: errorMessage({ message: r.error }) } : { result: encode(r.result, base64) })),
      );
    }
    return sendJson(res, 404, { error: 'ERR unknown endpoint' });
  }

  const server = http.createServer(
    withControls(controls, async (req, res) => {
      if (await handleControlRoute(req, res, controls, stats)) return;
      return handle(req, res);
    }),
  );
  const listening = await listenOnLoopback(server, options.port);
  return { port: listening.port, url: listening.url, stats, controls, close: listening.close };
}
