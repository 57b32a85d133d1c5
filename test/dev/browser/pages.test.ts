/**
 * The pages in a real browser (Debian's Chromium driven by playwright-core) against the
 * production bundle on bare workerd and the local stack, with the demo data.
 * Screenshots go to test-results/screenshots/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
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

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await resetDemoData(stack);
  const served = await serveBundle(root, 'pages', (origin) =>
    localStackBindings(stack, { publicBaseUrl: origin }, { RATE_LIMIT_VERIFY_PER_MINUTE: '0' }),
  );
  base = served.base;
  stopWorkerd = served.stop;
  // Flags that keep Chromium from reaching for the (closed) network on its own.
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
}, 600_000); // the first run on a machine without Chromium installs it

afterAll(async () => {
  await browser?.close();
  await stopWorkerd?.();
});

async function open(url: string, width = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const external: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) external.push(request.url());
  });
  await page.goto(url);
  expect(external).toEqual([]);
  return page;
}

describe('the verification page in a browser', () => {
  it.each([
    ['demo-valid', 'Valid'],
    ['demo-expired', 'Expired on 15 January 2025'],
    ['demo-revoked', 'Revoked: Issued in error'],
  ])('%s shows "%s"', async (id, text) => {
    const page = await open(`${base}/assertions/${id}`);
    await expect.poll(() => page.getByTestId('status').textContent()).toBe(text);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Demo Badge');
    expect(
      await page
        .locator('img')
        .first()
        .evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, `${id}.png`), fullPage: true });
    await page.close();
  });

  it('answers "Was this badge issued to …?" for alice and for someone else', async () => {
    const page = await open(`${base}/assertions/demo-valid`);
    await page.getByLabel('Was this badge issued to …?').fill('alice@example.org');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => page.getByTestId('recipient-answer').textContent()).toBe('Yes: this badge was issued to that address.');
    expect(page.url()).not.toContain('alice'); // posted, never in the URL
    await page.getByLabel('Was this badge issued to …?').fill('mallory@example.org');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => page.getByTestId('recipient-answer').textContent()).toBe('No: this badge was not issued to that address.');
    await page.close();
  });

  it('is readable on a phone', async () => {
    const page = await open(`${base}/assertions/demo-valid`, 375);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, 'demo-valid-phone.png'), fullPage: true });
    await page.close();
  });
});

describe('the upload page in a browser', () => {
  it('verifies a baked image fetched from the API', async () => {
    const baked = Buffer.from(await (await fetch(`${base}/assertions/demo-valid/image`)).arrayBuffer());
    const file = path.join(os.tmpdir(), `baked-${Date.now()}.svg`);
    writeFileSync(file, baked);
    const page = await open(`${base}/verify`);
    await page.setInputFiles('#image', file);
    await page.getByLabel('Recipient e-mail (optional)').fill('alice@example.org');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.getByTestId('result').textContent()).toContain('Valid');
    expect(await page.getByTestId('result').textContent()).toContain('Issued to this person.');
    await page.screenshot({ path: path.join(shots, 'verify-upload.png'), fullPage: true });
    await page.close();
  });
});

describe('the API reference in a browser', () => {
  it('renders every route', async () => {
    const page = await open(`${base}/docs`);
    expect(await page.getByTestId('route').count()).toBeGreaterThanOrEqual(18);
    expect(await page.getByText('/assertions/{id}/verify', { exact: true }).count()).toBe(1);
    await page.screenshot({ path: path.join(shots, 'docs.png') });
    await page.close();
  });
});
