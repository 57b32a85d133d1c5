/**
 * @module The browser the page tests drive: Debian's Chromium (never a browser download). When it
 * is missing and this machine may install packages (root, apt), it is installed once, so that
 * `npm test` alone passes on a fresh machine with only Node, Postgres and Redis.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The Chromium executable, installed from Debian's packages first when it is missing. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH} and cannot be installed here: install Debian's "chromium" package or set CHROMIUM_PATH`,
    );
  }
  console.log(`[browser tests] ${CHROMIUM_PATH} is missing: installing Debian's chromium (once)`);
  const options = { stdio: 'inherit' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  execFileSync('apt-get', ['update', '-q'], options);
  execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], options);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt installed chromium, but not at ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}
