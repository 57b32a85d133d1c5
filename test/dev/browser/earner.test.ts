/**
 * The earner features in a real browser (Debian's Chromium driven by playwright-core) against
 * the production bundle on bare workerd and the local stack, with the demo data: the LinkedIn
 * link, the embed framed by another origin, the QR code read back by a decoder, and the
 * certificate printed to PDF. Screenshots go to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jsQR from 'jsqr';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localStackBindings } from '../../../dev/bindings.ts';
import { ensureChromium } from '../../../dev/chromium.ts';
import { resetDemoData } from '../../../dev/seed.ts';
import { serveBundle } from '../../../dev/workerd.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const shots = path.join(root, 'test-results/screenshots');
const stack = inject('stack');

let base: string;
let browser: Browser;
let stopWorkerd: () => Promise<void>;
/** Another site (another host name and port): a blog that frames our pages. */
let otherSite: Server;
let otherOrigin: string;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await resetDemoData(stack);
  const served = await serveBundle(root, 'earner', (origin) => localStackBindings(stack, { publicBaseUrl: origin }, {}));
  base = served.base;
  stopWorkerd = served.stop;
  otherSite = createServer((request, response) => {
    const framed = new URL(request.url ?? '/', 'http://x').searchParams.get('src') ?? '';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><html><body style="font-family:sans-serif;background:#eef2ff;padding:16px"><h1>A blog post</h1><p>My new badge:</p><iframe id="framed" src="${framed}" width="400" height="200" style="border:0"></iframe></body></html>`,
    );
  });
  await new Promise<void>((resolve) => otherSite.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://localhost:${(otherSite.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stopWorkerd?.();
  await new Promise((resolve) => otherSite?.close(resolve));
});

async function open(url: string, width = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const external: string[] = [];
  page.on('request', (request) => {
    const from = request.url();
    if (!from.startsWith(base) && !from.startsWith(otherOrigin) && !from.startsWith('data:')) external.push(from);
  });
  await page.goto(url);
  expect(external).toEqual([]);
  return page;
}

/** The QR code in a PNG screenshot, read back. */
function decodeQr(png: Buffer): string | undefined {
  const { data, width, height } = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width, height)?.data;
}

/** Page objects in a PDF (`/Type /Page`, not `/Pages`): Chromium writes each page as one. */
const pdfPages = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0;

describe('the earner actions on the assertion page', () => {
  it('adds to LinkedIn with every parameter URL-encoded', async () => {
    const page = await open(`${base}/assertions/demo-valid`);
    const href = (await page.getByRole('link', { name: 'Add to LinkedIn profile' }).getAttribute('href'))!;
    const [address, query] = href.split('?') as [string, string];
    expect(address).toBe('https://www.linkedin.com/profile/add');
    const pairs = query.split('&').map((pair) => pair.split('=') as [string, string]);
    // Each value as sent: only unreserved characters, %XX escapes and + for a space; nothing else raw.
    for (const [name, value] of pairs) expect(value, name).toMatch(/^[A-Za-z0-9\-._~*%+]*$/);
    const decoded = Object.fromEntries(pairs.map(([name, value]) => [name, decodeURIComponent(value.replace(/\+/g, ' '))]));
    expect(decoded).toMatchObject({
      startTask: 'CERTIFICATION_NAME',
      name: 'Demo Badge',
      organizationName: 'Demo Academy',
      certUrl: `${base}/assertions/demo-valid`,
      certId: 'demo-valid',
    });
    expect(decoded.issueYear).toMatch(/^\d{4}$/);
    expect(Number(decoded.issueMonth)).toBeGreaterThanOrEqual(1);
    expect(query).toContain(`certUrl=${encodeURIComponent(`${base}/assertions/demo-valid`)}`);
    expect(await page.getByRole('link', { name: 'Share on LinkedIn' }).getAttribute('href')).toBe(
      `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(`${base}/assertions/demo-valid`)}`,
    );
    expect(await page.getByRole('link', { name: 'Pick it up in your wallet' }).getAttribute('href')).toBe('/assertions/demo-valid/wallet');
    await page.getByText('Embed this badge on a web page').click();
    await page.locator('#share').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'earner-actions.png'), fullPage: true });
    await page.close();
  });

  it('copies the link with its own script', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(`${base}/assertions/demo-valid`);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => page.getByTestId('copied').textContent()).toBe('Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${base}/assertions/demo-valid`);
    await context.close();
  });
});

describe('the embed', () => {
  it('renders inside an iframe of another origin, while the assertion page refuses to be framed', async () => {
    const refused: string[] = [];
    const page = await open(`${otherOrigin}/?src=${encodeURIComponent(`${base}/assertions/demo-valid/embed`)}`);
    page.on('console', (message) => refused.push(message.text()));
    const frame = page.frameLocator('#framed');
    await expect.poll(() => frame.getByTestId('status').textContent()).toBe('Valid');
    expect(await frame.getByRole('heading', { level: 1 }).textContent()).toBe('Demo Badge');
    expect(await frame.getByRole('link', { name: 'Verify this badge' }).getAttribute('href')).toBe(`${base}/assertions/demo-valid`);
    expect(await frame.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, 'embed.png') });
    await page.close();

    const framing = await open(`${otherOrigin}/?src=${encodeURIComponent(`${base}/assertions/demo-valid`)}`);
    const messages: string[] = [];
    framing.on('console', (message) => messages.push(message.text()));
    await framing.reload();
    await expect.poll(() => messages.join('\n')).toContain("frame-ancestors 'none'");
    const child = framing.frames().find((f) => f !== framing.mainFrame());
    // Chromium replaces a refused frame with its own error page: none of the page's content is shown.
    expect(await child?.locator('[data-testid="status"]').count()).toBe(0);
    await framing.close();
  });

  it('says revoked for a revoked badge', async () => {
    const page = await open(`${otherOrigin}/?src=${encodeURIComponent(`${base}/assertions/demo-revoked/embed`)}`);
    await expect.poll(() => page.frameLocator('#framed').getByTestId('status').textContent()).toBe('Revoked: Issued in error');
    await page.close();
  });
});

describe('the QR code', () => {
  it('decodes back to the assertion URL, from the SVG and from the page', async () => {
    const page = await open(`${base}/assertions/demo-valid/qr.svg`);
    expect(decodeQr(await page.screenshot())).toBe(`${base}/assertions/demo-valid`);
    await page.close();
    const onPage = await open(`${base}/assertions/demo-valid`);
    expect(decodeQr(await onPage.getByTestId('qr').screenshot())).toBe(`${base}/assertions/demo-valid`);
    await onPage.close();
  });
});

describe('the printable certificate', () => {
  it.each(['A4', 'Letter'] as const)('prints to one %s page in print-to-PDF', async (format) => {
    const page = await open(`${base}/assertions/demo-valid/certificate`);
    await page.waitForLoadState('networkidle');
    const pdf = await page.pdf({ format, printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPages(pdf)).toBe(1);
    await page.close();
  });

  it('counts pages truly: the long API reference prints to several', async () => {
    const page = await open(`${base}/docs`);
    expect(pdfPages(await page.pdf({ format: 'A4' }))).toBeGreaterThan(1);
    await page.close();
  });

  it.each([
    ['demo-revoked', 'REVOKED: this certificate is no longer valid'],
    ['demo-expired', 'EXPIRED: this certificate is no longer valid'],
  ])('%s says so in print too, on one page', async (id, notice) => {
    const page = await open(`${base}/assertions/${id}/certificate`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('notice').isVisible()).toBe(true);
    expect(await page.getByTestId('notice').textContent()).toBe(notice);
    expect(await page.getByRole('button', { name: 'Print or save as PDF' }).isVisible()).toBe(false);
    expect(pdfPages(await page.pdf({ format: 'A4' }))).toBe(1);
    await page.close();
  });

  it('shows the QR code and the URL in print', async () => {
    const page = await open(`${base}/assertions/demo-valid/certificate`, 820);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('assertion-url').textContent()).toBe(`${base}/assertions/demo-valid`);
    expect(decodeQr(await page.locator('.verify img').screenshot())).toBe(`${base}/assertions/demo-valid`);
    await page.screenshot({ path: path.join(shots, 'certificate.png'), fullPage: true });
    await page.close();
  });
});
