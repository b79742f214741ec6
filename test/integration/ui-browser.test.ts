/**
 * The web UI in a real browser: Debian's chromium driven by playwright-core (never a downloaded browser),
 * against `llm-schema serve` on a git registry with Avro, JSON Schema and Protobuf subjects. These tests
 * fail, never skip, when chromium cannot start (.ci/run installs it).
 */
import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { execa } from 'execa';
import { cleanup, tempDir } from '../helpers.js';
import { buildServeRegistry, getJson, path, startServe, type Served } from '../e2e/serve-helpers.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir: string;
let shots: string;
let served: Served;
let browser: Browser;

beforeAll(async () => {
  dir = await buildServeRegistry();
  shots = tempDir('llm-schema-ui-shots-');
  served = await startServe(dir, ['--ref', 'HEAD', '--poll-interval', '0', '--no-access-log']);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  cleanup(dir);
  cleanup(shots);
});

async function open(url: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  // Air-gapped: a request that leaves the server is recorded as an error, and every test asserts none.
  const errors: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(served.url) && !r.url().startsWith('data:')) errors.push(`the UI fetched ${r.url()}`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(url);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect(statSync(file).size).toBeGreaterThan(1000);
}

describe('web UI in chromium', () => {
  it('chromium is there (CI installs it; these tests never skip)', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    expect(browser.version()).toMatch(/^\d+\./);
  });

  it('home lists every subject with format, kind, latest version and state; filter, open, switch, diff, back/forward', async () => {
    const page = await open(`${served.url}/ui/`);
    const rows = page.locator('#subjects tr[data-s]');
    await expect.poll(() => rows.count()).toBe(4);
    const users = page.locator('tr[data-s="shop.users-value"]');
    expect(await users.locator('td').nth(1).textContent()).toBe('json');
    expect(await users.locator('td').nth(3).textContent()).toBe('2.0.0');
    expect(await page.locator('tr[data-s="shop.orders-value"] td').nth(1).textContent()).toBe('avro');
    expect(await page.locator('tr[data-s="shop.ping"] td').nth(1).textContent()).toBe('protobuf');
    expect(await page.locator('#count').textContent()).toBe('4 subjects in 1 namespace');
    await shot(page, 'home');

    // '/' jumps to the filter, as on most code hosts; instant filter through the registry's search.
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.keyboard.type('orders placed');
    await expect.poll(() => page.locator('#count').textContent()).toBe('1 of 4 subjects');
    expect(await page.locator('tr[data-s="shop.orders-value"]').isVisible()).toBe(true);
    expect(await users.isVisible()).toBe(false);
    await page.locator('#q').fill('');
    await expect.poll(() => users.isVisible()).toBe(true);

    // Open a subject with the keyboard: focus its link, press Enter.
    await page.locator('tr[data-s="shop.users-value"] a').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${served.url}/ui/s/shop.users-value`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('shop.users-value');
    await page.locator('#src').waitFor();
    expect(await page.locator('dl.meta').textContent()).toContain('BACKWARD');
    expect(await page.locator('dl.meta').textContent()).toContain('semantic');
    // Versions: 1.0.0 is deprecated with its reason; 2.0.0 is the latest and selected.
    expect(await page.locator('table.versions').textContent()).toContain('deprecated use 2.x');
    // Served from a git ref: each version names the commit that registered it.
    const head = (await execa('git', ['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
    expect(await page.locator(`table.versions code[title="${head}"]`).count()).toBe(2);
    expect(await page.locator('table.versions').textContent()).toContain(': registry');
    expect(await page.locator('#version').inputValue()).toBe('2.0.0');
    expect(await page.locator('#src').textContent()).toContain('"age"');
    expect(await page.locator('.outline').textContent()).toMatch(/age integer minimum: 0/);
    expect(await page.locator('.outline').textContent()).toMatch(/name string required/);
    expect(await page.locator('#raw').getAttribute('href')).toBe('/subjects/shop.users-value/versions/2/schema');
    await shot(page, 'subject');

    // Copy puts the pretty-printed schema on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.url });
    await page.locator('[data-copy]').click();
    await expect.poll(() => page.locator('#copied').textContent()).toBe('copied');
    expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toMatchObject({ properties: { age: { type: 'integer', minimum: 0 } } });

    // Collapse all folds the tree; expand brings it back.
    await page.locator('#fold').click();
    expect(await page.locator('#src details[open]').count()).toBe(1);
    await page.locator('#unfold').click();
    expect(await page.locator('#src details:not([open])').count()).toBe(0);

    // Switch versions with the select.
    await page.locator('#version').selectOption('1.0.0');
    await page.waitForURL(`${served.url}/ui/s/shop.users-value/v/1.0.0`);
    await expect.poll(() => page.locator('#src').textContent()).not.toContain('"age"');
    expect(await page.locator('[role=note]').textContent()).toContain('deprecated: use 2.x');
    expect(await page.locator('a.btn', { hasText: 'Compare versions' }).getAttribute('href')).toBe('/ui/s/shop.users-value/diff?from=1.0.0&to=2.0.0');

    // Open the diff from the versions table.
    await page.locator('a', { hasText: 'diff from 1.0.0' }).click();
    await page.waitForURL(`${served.url}/ui/s/shop.users-value/diff?from=1.0.0&to=2.0.0`);
    await page.locator('#bump').waitFor();
    const cli = await getJson(`${served.url}/schemas/shop/users-value/diff?from=1.0.0&to=2.0.0`);
    expect(cli.status).toBe(200);
    expect(await page.locator('#bump').textContent()).toContain(`Suggested bump: ${cli.body.bump}`);
    const ruleIds = await page.locator('#findings code.rule').allTextContents();
    expect(ruleIds).toEqual(cli.body.changes.map((c: { rule: string }) => c.rule));
    expect(await page.locator('table.sbs tr.d-add, table.sbs tr.d-chg').count()).toBeGreaterThan(0);
    await shot(page, 'diff');

    // Back: version 1.0.0; back again: 2.0.0 (the subject page); forward: 1.0.0.
    await page.goBack();
    await page.waitForURL(`${served.url}/ui/s/shop.users-value/v/1.0.0`);
    await expect.poll(() => page.locator('#version').inputValue()).toBe('1.0.0');
    await page.goBack();
    await page.waitForURL(`${served.url}/ui/s/shop.users-value`);
    await expect.poll(() => page.locator('#version').inputValue()).toBe('2.0.0');
    await page.goForward();
    await expect.poll(() => page.locator('#version').inputValue()).toBe('1.0.0');
    await page.goBack();
    await page.goBack();
    await page.waitForURL(`${served.url}/ui/`);
    await expect.poll(() => rows.count()).toBe(4);
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('permalinks open directly: a diff, an Avro version, a Protobuf source, a provider export', async () => {
    const page = await open(`${served.url}/ui/s/shop.orders-value/diff?from=1.0.0&to=1.1.0`);
    await page.locator('#bump').waitFor();
    const api = await getJson(`${served.url}/schemas/shop/orders-value/diff?from=1.0.0&to=1.1.0`);
    expect(await page.locator('#bump').textContent()).toContain(api.body.bump);
    expect(await page.locator('#bump').textContent()).toContain('mode FULL');

    await page.goto(`${served.url}/ui/s/shop.orders-value/v/1.0.0`);
    await page.locator('#src').waitFor();
    expect(await page.locator('#src').textContent()).not.toContain('currency');
    expect(await page.locator('dl.meta').textContent()).toContain('FULL (subject)');

    await page.goto(`${served.url}/ui/s/shop.ping`);
    await page.locator('#src').waitFor();
    expect(await page.locator('#src .kw').first().textContent()).toBe('syntax');
    expect(await page.locator('#src').textContent()).toContain('message Ping');

    await page.goto(`${served.url}/ui/s/shop.users-value/v/2.0.0/provider/openai`);
    await page.locator('#src').waitFor();
    const exported = await getJson(`${served.url}/schemas/shop/users-value/2.0.0/export?target=openai`);
    expect(exported.status).toBe(200);
    expect(await page.locator('#src').textContent()).toContain('"strict"');
    expect(await page.locator('h2', { hasText: 'Lint' }).textContent()).toContain(`${exported.body.lint.errors} errors`);
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('is readable on a phone and follows the dark system theme', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    await page.goto(`${served.url}/ui/s/shop.users-value`);
    await page.locator('#src').waitFor();
    // Nothing wider than the screen: no horizontal scrolling of the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(13, 17, 23)');
    await shot(page, 'phone-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    await page.close();
  });
});
