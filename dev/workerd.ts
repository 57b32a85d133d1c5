/** @module Serving built Worker bundles with bare `workerd` (no wrangler, no inspector): one service per configuration. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './backends.ts';
import { bundleWorker } from './bundle.ts';

export type WorkerService = {
  name: string;
  port: number;
  /** Absolute path of the bundled ES module. */
  bundle: string;
  bindings: Record<string, string>;
};

const COMPATIBILITY_DATE = '2026-04-20';

function capnpString(value: string) {
  return JSON.stringify(value);
}

function config(services: WorkerService[], dir: string): string {
  const workers = services
    .map(
      (s) => `const ${s.name}Worker :Workerd.Worker = (
  modules = [ (name = "${path.basename(s.bundle)}", esModule = embed ${capnpString(path.relative(dir, s.bundle))}) ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  compatibilityFlags = ["nodejs_compat"],
  bindings = [ ${Object.entries(s.bindings)
    .map(([name, text]) => `(name = ${capnpString(name)}, text = ${capnpString(text)})`)
    .join(', ')} ],
  globalOutbound = "loopback",
);`,
    )
    .join('\n');
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${services.map((s) => `(name = "${s.name}", worker = .${s.name}Worker),`).join('\n    ')}
    (name = "loopback", network = (allow = ["public", "private", "local", "network"])),
  ],
  sockets = [
    ${services.map((s) => `(name = "${s.name}", address = "127.0.0.1:${s.port}", http = (), service = "${s.name}"),`).join('\n    ')}
  ],
);
${workers}
`;
}

export async function startWorkerd(services: WorkerService[], dir: string) {
  const file = path.join(dir, 'workerd.capnp');
  writeFileSync(file, config(services, dir));
  const binary = path.resolve('node_modules/@cloudflare/workerd-linux-64/bin/workerd');
  const child = spawn(binary, ['serve', '--verbose', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  // --verbose: workerd logs uncaught exceptions only then. The first MiB is kept for tests to read.
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 1024 * 1024) stderr += chunk;
  });
  for (const service of services) {
    for (let attempt = 0; ; attempt++) {
      const up = await fetch(`http://127.0.0.1:${service.port}/health/live`).then(
        () => true,
        () => false,
      );
      if (up) break;
      if (attempt > 100 || child.exitCode !== null) throw new Error(`workerd did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    /** The workerd process, for reading its memory. */
    pid: child.pid!,
    /** What workerd wrote to stderr so far (its first MiB): uncaught exceptions among it. */
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * This tree's production bundle served alone on a free port, with the bindings `bindingsFor` gives
 * for its origin: what the Node tests drive. Built and run under test-results/`name`.
 */
export async function serveBundle(root: string, name: string, bindingsFor: (base: string) => Record<string, string>) {
  const dir = path.join(root, 'test-results', name);
  const bundle = bundleWorker(root, 'wrangler.toml', path.join(dir, 'bundle'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const workerd = await startWorkerd([{ name, port, bundle, bindings: bindingsFor(base) }], dir);
  return { base, stop: workerd.stop, pid: workerd.pid, stderr: workerd.stderr };
}
