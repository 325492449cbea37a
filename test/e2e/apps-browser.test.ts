// A subdomain app in a real browser (headless Chromium): signed in on the dashboard only, the
// visitor opens the app's URL and lands on the app after the cross-domain sign-in (§8.3), whose
// key never stays in the address bar; the page's own script talks to the app over a WebSocket
// through the proxy; the app-domain cookie is HttpOnly and no Hangar cookie reaches the app.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestCoderd, type TestCoderd } from '../support/coderd.js';
import { createAgentWorkspace, startAgent } from '../support/agent-workspace.js';
import { launchBrowser, newUserContext, screenshot } from '../support/browser.js';
import { startEchoApp, type EchoApp } from '../support/echo-app.js';

let coderd: TestCoderd;
let echo: EchoApp;
let browser: Browser;
let agent: Awaited<ReturnType<typeof startAgent>>;
let appUrl: string;

before(async () => {
  coderd = await startTestCoderd({ wildcardAccessUrl: '*.apps.localhost' });
  const owner = await coderd.owner();
  echo = await startEchoApp();
  const ws = await createAgentWorkspace(coderd, {
    ownerId: (await owner.users.get('me')).id,
    name: 'browser',
    apps: [{ slug: 'web', url: echo.url, subdomain: true }],
  });
  agent = await startAgent(coderd, ws);
  appUrl = `http://web--main--browser--owner.apps.localhost:${new URL(coderd.url).port}/page`;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await agent?.close();
  await echo?.close();
  await coderd?.close();
});

test('signed in on the dashboard, a browser opens a subdomain app and its WebSocket', async () => {
  const ctx = await newUserContext(browser, coderd.url);
  const owner = await coderd.owner();
  await ctx.addCookies([{ name: 'coder_session_token', value: owner.sessionToken!, url: coderd.url }]);
  const page = await ctx.newPage();
  await page.goto(appUrl);
  assert.equal(page.url(), appUrl, 'the app key was redirected away');
  await page.waitForFunction(() =>
    document.getElementById('out')?.textContent?.includes('hello from the page'),
  );
  assert.match((await page.textContent('#out')) ?? '', /"hello":"\/ws"/);
  assert.equal(await page.textContent('#seen'), 'null', 'no Hangar cookie reached the app');
  assert.equal(await page.evaluate(() => document.cookie), '', "the app's page cannot read the app session");
  const cookies = await ctx.cookies(appUrl);
  const session = cookies.find((c) => c.name === 'coder_subdomain_app_session_token');
  assert.ok(session?.httpOnly, 'the app-domain session cookie is HttpOnly');
  assert.match(session.domain, /^\.?apps\.localhost$/);
  await screenshot(page, 'subdomain-app');
  await ctx.close();
});

test('a browser without a dashboard session is sent to sign in, not to the app', async () => {
  const ctx = await newUserContext(browser, coderd.url);
  const page = await ctx.newPage();
  const res = await page.goto(appUrl);
  assert.match(page.url(), /\/login\?redirect=%2Fapi%2Fv2%2Fapplications%2Fauth-redirect/);
  assert.notEqual(await res?.text(), undefined);
  await ctx.close();
});
