// Debian's Chromium driven by playwright-core, for the dashboard's end-to-end tests. One browser per
// test file; each simulated user gets its own context (cookies). Screenshots go to test-output/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './server.js';

/** The machine's Chromium (README prerequisites: `apt-get install chromium`). */
export const chromiumPath = process.env.HANGAR_TEST_CHROMIUM ?? '/usr/bin/chromium';

// Flags from stack-notes: no sandbox (root), no GPU, nothing that phones home.
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const screenshotDir = path.join(repoRoot, 'test-output', 'dashboard');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args });
}

export async function newUserContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  ctx.setDefaultTimeout(15_000);
  return ctx;
}

/** A full-page PNG under test-output/dashboard/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Collects uncaught page errors, so a test can assert the app never crashed. */
export function pageErrors(page: Page): Error[] {
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  return errors;
}
