/** @module HTML responses: a rendered page with the strict page headers. */
import type { JSX } from 'hono/jsx/jsx-runtime';
import { PAGE_CSP } from './assets.ts';

export async function htmlResponse(page: JSX.Element, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  const body = `<!doctype html>${await Promise.resolve(page.toString())}`;
  return new Response(body, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': PAGE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      vary: 'Accept',
      ...headers,
    },
  });
}
