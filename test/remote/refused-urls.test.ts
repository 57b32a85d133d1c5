/** The fetcher reaches public hosts only: every private spelling is refused before any request, redirects included. */
import { env } from 'cloudflare:workers';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, parseConfig } from '../../src/platform/config.ts';
import { RemoteFetchError } from '../../src/remote/types.ts';
import { fetchOnce, forgetRemoteCopies, hitsOf, hostileUrl, isolate } from './hostile.ts';

afterAll(forgetRemoteCopies);

const IP = /an IP address/;
const PRIVATE = /a private host name/;
const UNQUALIFIED = /not a fully qualified host name/;

const REFUSED: Array<[string, RegExp]> = [
  // IPv4 literals in every spelling WHATWG accepts: all arrive as dotted decimal.
  ['http://2130706433/', /only https/],
  ['https://2130706433/', IP],
  ['https://0x7f000001/', IP],
  ['https://017700000001/', IP],
  ['https://127.1/', IP],
  ['https://0x7f.1/', IP],
  ['https://127.0.0.1/', IP],
  ['https://127.0.0.1./', IP],
  ['https://0/', IP],
  ['https://10.0.0.1/', IP],
  ['https://192.168.1.1/', IP],
  ['https://169.254.169.254/latest/meta-data/', IP],
  ['https://8.8.8.8/', IP],
  // IPv6 literals, IPv4-mapped ones included.
  ['https://[::1]/', IP],
  ['https://[::ffff:127.0.0.1]/', IP],
  ['https://[::ffff:7f00:1]/', IP],
  ['https://[fd00::1]/', IP],
  ['https://[2001:4860:4860::8888]/', IP],
  // Names that are never public.
  ['https://localhost/', UNQUALIFIED],
  ['https://localhost./', UNQUALIFIED],
  ['https://issuer.localhost/', PRIVATE],
  ['https://issuer.localhost./', PRIVATE],
  ['https://intranet/', UNQUALIFIED],
  ['https://intranet./', UNQUALIFIED],
  ['https://printer.local/', PRIVATE],
  ['https://metadata.google.internal/computeMetadata/v1/', PRIVATE],
  ['https://router.home.arpa/', PRIVATE],
  // Credentials, ports, schemes.
  ['https://user:pw@issuer.example/', /credentials/],
  ['https://user@issuer.example/', /credentials/],
  ['https://issuer.example:8443/', /default port/],
  ['http://issuer.example/', /only https/],
  ['ftp://issuer.example/', /only https/],
  ['file:///etc/passwd', /only https/],
  ['data:application/json,{}', /only https/],
  ['not a url', /not a URL/],
];

describe('URLs the fetcher refuses', () => {
  it.each(REFUSED)('refuses %s without a request', async (url, reason) => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    try {
      const { document, trace, source } = await fetchOnce(isolate(), url);
      expect(document).toBeInstanceOf(RemoteFetchError);
      expect(document).toMatchObject({ code: 'refused_url', url, message: expect.stringMatching(reason) });
      expect(source).toMatchObject({ url, error: { code: 'refused_url' } });
      expect(trace.remoteFetches).toBe(0);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it('refuses a port on a mapped host too: the checks apply to the URL as asked', async () => {
    const { document } = await fetchOnce(isolate(), `https://${env.REMOTE_HOSTILE_HOST}:8080/json`);
    expect(document).toMatchObject({ code: 'refused_url', message: expect.stringMatching(/default port/) });
  });

  it('fetches a public name with trailing dots as the name without them', async () => {
    const url = hostileUrl('/json');
    const dotted = url.replace(env.REMOTE_HOSTILE_HOST, `${env.REMOTE_HOSTILE_HOST}..`);
    const { document, trace } = await fetchOnce(isolate(), dotted);
    expect(document).toMatchObject({ status: 200, finalUrl: url });
    expect(trace.remoteFetches).toBe(1);
  });
});

describe('redirects', () => {
  it.each([
    ['http://127.0.0.1/json', /only https/],
    [`http://${env.REMOTE_HOSTILE_HOST}@127.0.0.1/json`, /only https/],
    ['https://127.0.0.1/json', IP],
    ['https://[::ffff:10.0.0.1]/', IP],
    ['https://169.254.169.254/latest/meta-data/', IP],
    ['https://localhost/json', UNQUALIFIED],
    ['https://metadata.google.internal/', PRIVATE],
    ['https://user:pw@issuer.example/', /credentials/],
  ])('refuses a redirect to %s after the one request that answered it', async (target, reason) => {
    const url = hostileUrl(`/redirect?to=${encodeURIComponent(target)}`);
    const { document, trace } = await fetchOnce(isolate(), url);
    expect(document).toMatchObject({ code: 'refused_url', url, message: expect.stringMatching(reason) });
    expect(trace.remoteFetches).toBe(1);
    expect((await hitsOf(url)).hits).toBe(1);
  });

  it('follows a relative redirect on the same host, checked like the first URL', async () => {
    const target = hostileUrl('/json');
    const { document, trace } = await fetchOnce(
      isolate(),
      hostileUrl(`/redirect?to=${encodeURIComponent(new URL(target).pathname + new URL(target).search)}`),
    );
    expect(document).toMatchObject({ status: 200, finalUrl: target });
    expect(trace.remoteFetches).toBe(2);
  });
});

describe('REMOTE_FETCH_HOSTS', () => {
  it.each([
    'issuer.example=https://203.0.113.7',
    'issuer.example=http://10.0.0.1:8080',
    'issuer.example=http://198.51.100.1',
    'issuer.example=http://127.0.0.1:8080/prefix',
    'issuer.example=http://127.0.0.1:8080/?q=1',
    'issuer.example=http://user:pw@127.0.0.1:8080',
    'issuer.example=https://127.0.0.1:8443',
    'issuer.example',
    'issuer.example=http://127.0.0.1:1=x',
  ])('refuses %s: only loopback http origins, so the map never reaches the internet', (hostMap) => {
    const attempt = () => parseConfig({ ...env, REMOTE_FETCH_HOSTS: hostMap });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/REMOTE_FETCH_HOSTS/);
    expect(attempt).not.toThrow(hostMap);
  });

  it('maps each host to its loopback origin', () => {
    const { hosts } = parseConfig({
      ...env,
      REMOTE_FETCH_HOSTS: 'a.example=http://127.0.0.1:8080, B.example=http://[::1]:9,c.example=http://localhost:1',
    }).remote;
    expect([...hosts]).toEqual([
      ['a.example', 'http://127.0.0.1:8080'],
      ['b.example', 'http://[::1]:9'],
      ['c.example', 'http://localhost:1'],
    ]);
  });
});
