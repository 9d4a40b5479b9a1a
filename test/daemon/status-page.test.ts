import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectorYaml, type Harness, startHarness, waitFor } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `status page browser test skipped: ${CHROMIUM} is absent (apt-get install chromium; CI installs it)`,
  );

const CANARY = 'canary-page-secret-77d3c1';
let browser: Browser | undefined;
let harness: Harness | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.skipIf(!hasChromium)('daemon: the status page in a real browser', () => {
  it('lists connectors, links the ones waiting for auth, and shows a config error with its place', async () => {
    harness = await startHarness({
      env: { LINEAR_SECRET: CANARY },
      files: {
        'connectors/alpha.yaml': connectorYaml('alpha', {
          description: '"<img src=x onerror=alert(1)> & friends"',
        }),
        'connectors/linear.yaml': `${connectorYaml('linear')}auth_data:\n  client_id: linear-app\n  client_secret: \${env:LINEAR_SECRET}\n`,
      },
    });
    const h = harness;
    await waitFor('the first reconcile', () => h.reconciles() >= 1 && !h.daemon.loop.busy);
    h.write('connectors/beta.yaml', 'name: beta\ndescription: [unclosed\n');
    await waitFor('the config error', () => h.view().config.valid === false && !h.daemon.loop.busy);

    const page = await browser!.newPage({ viewport: { width: 375, height: 800 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const response = await page.goto(h.url);
    expect(response?.status()).toBe(200);

    // what needs a person first: linear waits for auth, alpha is in sync
    const rows = page.locator('#connectors ~ table tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toMatch(/linear[\s\S]*in-sync[\s\S]*waiting for auth/);
    expect(await rows.nth(1).textContent()).toMatch(/alpha[\s\S]*in-sync/);
    // the description with markup in it was shown as text in the plan, never run as markup
    expect(await page.locator('img').count()).toBe(0);

    const alert = page.locator('#config-error');
    expect(await alert.textContent()).toMatch(/connectors\/beta\.yaml:\d+:\d+/);
    expect(await alert.textContent()).toMatch(
      /last good one .* is still reconciled; what the invalid change removed is not deleted/,
    );

    const link = page.locator('#pending-auth ~ ul.auth a', { hasText: 'linear' });
    expect(await link.getAttribute('href')).toBe('/auth/linear');
    expect(await page.locator('details').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('details summary').first().textContent()).toMatch(/Applied/);

    // readable on a phone: nothing wider than the screen
    // (a string so this file type-checks without the DOM library)
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.content()).not.toContain(CANARY);
    expect(problems).toEqual([]);

    // one connector a page: the next link leads to the second, the filter links keep counting all
    await page.goto(`${h.url}/?per_page=1`);
    expect(await page.locator('#pager').textContent()).toMatch(/1–1 of 2/);
    await Promise.all([page.waitForURL(/page=2/), page.locator('#pager a[rel=next]').click()]);
    expect(await rows.count()).toBe(1);
    expect(await rows.nth(0).textContent()).toMatch(/alpha/);
    expect(await page.locator('#filters').textContent()).toMatch(/pending auth \(1\)/);
    // the search form filters by name (a GET to the page itself, allowed by the page's CSP)
    await page.goto(h.url);
    await page.locator('#search input[name=q]').fill('ALP');
    await Promise.all([page.waitForURL(/q=ALP/), page.locator('#search button').click()]);
    expect(await rows.count()).toBe(1);
    expect(await rows.nth(0).textContent()).toMatch(/alpha/);
    expect(await page.locator('#search input[name=q]').inputValue()).toBe('ALP');
    expect(problems).toEqual([]);
    await page.goto(`${h.url}/?state=nonsense`);
    expect(await page.locator('body').textContent()).toMatch(/state must be one of/);
    await page.goto(h.url);

    // the link fetches a fresh auth URL and the browser lands on it
    await Promise.all([page.waitForURL(/\/_emulator\/oauth\/authorize\?/), link.click()]);
    expect(page.url().startsWith(h.emulator.url)).toBe(true);
    await page.close();
  });
});
