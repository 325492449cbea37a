// The dashboard in a real browser (Debian's Chromium through playwright-core) against a real
// `hangar server` with its built-in daemons and the `local` template on real Terraform: a user's
// whole path from first start to deleting a workspace, plus the security and validation cases.
// One server and one browser for the file, so the suite stays fast; screenshots of every main page
// land in test-output/dashboard/.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HangarClient } from '../../src/sdk/hangar-client.js';
import { launchBrowser, newUserContext, pageErrors, screenshot } from '../support/browser.js';
import { runCli, tempConfigDir } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/server.js';

const owner = { username: 'admin', email: 'admin@example.com', password: 'Admin-Passw0rd!x' };
const alice = { username: 'alice', email: 'alice@example.com', password: 'Alice-Passw0rd!x' };
const bob = { username: 'bob', email: 'bob@example.com', password: 'Bob-Passw0rd!xy' };

// Output that must stay text wherever the dashboard shows it.
const buildXss = '<script>window.__xssBuild=1</script><img src=x onerror="window.__xssBuild=2">';
const agentXss = '<script>window.__xssAgent=1</script>';

// Added to the local template: a build log line and an agent startup log line carrying markup, and
// an app.
const extraTf = `
resource "terraform_data" "greeting" {
  provisioner "local-exec" {
    command = "echo '${buildXss.replaceAll('"', '\\"')}'"
  }
}

resource "coder_app" "notes" {
  agent_id     = coder_agent.main.id
  slug         = "notes"
  display_name = "Notes"
  url          = "http://localhost:19999"
}

resource "coder_script" "greeting" {
  agent_id     = coder_agent.main.id
  display_name = "Greeting"
  run_on_start = true
  script       = "echo '${agentXss}'"
}
`;

const plainTf = `
terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_workspace" "me" {}
resource "terraform_data" "box" {
  input = data.coder_workspace.me.name
}
`;

let server: TestServer;
let browser: Browser;
let ownerCtx: BrowserContext;
let page: Page;
let errors: Error[];
let cliConfig: string;
let api: HangarClient;
let workspacesDir: string;

async function cli(...args: string[]): Promise<string> {
  const r = await runCli(args, { configDir: cliConfig, timeoutMs: 60_000 });
  assert.equal(r.code, 0, `hangar ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

async function signIn(p: Page, who: { email: string; password: string }): Promise<void> {
  await p.getByLabel('Email').fill(who.email);
  await p.getByLabel('Password').fill(who.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

/** The error shown under the form field whose input is named `name`. */
const fieldError = (p: Page, name: string) => p.locator(`.field:has([name="${name}"]) [data-field-error]`);

const status = (p: Page) => p.locator('.page-header h1 [data-status]');

describe('the dashboard in a browser', { timeout: 240_000 }, () => {
  before(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ extraArgs: ['--provisioner-daemons', '2'] }),
      launchBrowser(),
    ]);
    ownerCtx = await newUserContext(browser, server.url);
    page = await ownerCtx.newPage();
    errors = pageErrors(page);
    cliConfig = await tempConfigDir();
    workspacesDir = await mkdtemp(path.join(tmpdir(), 'hangar-dash-ws-'));
    await chmod(workspacesDir, 0o711);
  });

  after(async () => {
    // A failed run must not leave agents (or, as root, Unix users) behind.
    if (api) {
      const left = (await api.workspaces.list({ q: 'owner:me' }).catch(() => ({ workspaces: [] })))
        .workspaces;
      for (const w of left)
        await runCli(['delete', w.name, '-y'], { configDir: cliConfig, timeoutMs: 60_000 });
    }
    await browser?.close();
    await server?.stop();
  });

  it('first start: the setup page creates the owner; a weak password is refused next to its field', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByLabel('Username').fill(owner.username);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await fieldError(page, 'password').waitFor();
    assert.match(await fieldError(page, 'password').innerText(), /weak|characters/i);
    await screenshot(page, 'setup-validation');

    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/templates');
    await page.getByText('No templates yet').waitFor();
    await screenshot(page, 'templates-empty');

    api = new HangarClient(server.url);
    api.sessionToken = (
      await api.users.login({ email: owner.email, password: owner.password })
    ).session_token;
    assert.equal((await api.users.get('me')).username, owner.username);
  });

  it('a template pushed with the CLI appears with its README, versions and import log', async () => {
    await cli('login', server.url, '--email', owner.email, '--password', owner.password);
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'hangar-dash-tpl-')), 'local');
    await cli('templates', 'init', '--id', 'local', dir);
    await writeFile(path.join(dir, 'greeting.tf'), extraTf);
    await cli('templates', 'push', 'local', '-d', dir, '--var', `workspaces_dir=${workspacesDir}`, '-y');

    await page.goto('/templates');
    const item = page.locator('[data-template="local"]');
    await item.waitFor();
    await item.getByRole('link', { name: 'local' }).first().click();
    await page.waitForURL('**/templates/local');
    // The README is rendered: its first heading becomes an element, not text with a '#'.
    await page.locator('.markdown h2').first().waitFor();
    await screenshot(page, 'template');

    await page.getByRole('link', { name: 'Versions' }).click();
    const version = page.locator('.version').first();
    await version.getByText('active').waitFor();
    await version.locator('.version-row button').first().click();
    await version.locator('[data-log-line]').first().waitFor();
    assert.ok((await version.locator('[data-log-line]').count()) > 3, 'the import log is shown');
    await screenshot(page, 'template-versions');
  });

  it('template admins edit settings; a rule the server enforces shows at its field', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Display name').fill('Local processes');
    await page.getByLabel('Description').fill('x'.repeat(129));
    await page.getByRole('button', { name: 'Save settings' }).click();
    await fieldError(page, 'description').waitFor();
    assert.equal(await fieldError(page, 'description').innerText(), 'Must be at most 128 characters.');
    await page.getByLabel('Description').fill('Workspaces as processes on the server.');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await page.getByRole('heading', { name: 'Local processes', level: 1 }).waitFor();
    assert.equal((await api.templates.getByName('default', 'local')).display_name, 'Local processes');
  });

  it('the create form checks parameter rules before submitting and shows a server validation at its field', async () => {
    await page.goto('/templates/local/workspace');
    await page.getByLabel('Workspace name').fill('dev');
    const dotfiles = page.locator('[data-parameter="dotfiles_uri"] input');
    await dotfiles.fill('ftp://example.com/dots');
    const requests: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && requests.push(r.url()));
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await fieldError(page, 'dotfiles_uri').waitFor();
    assert.equal(
      await fieldError(page, 'dotfiles_uri').innerText(),
      'Use an https://, ssh://, git:// or git@host:path URL.',
    );
    assert.deepEqual(requests, [], 'nothing was sent while a parameter breaks its rules');
    await screenshot(page, 'create-workspace-invalid');

    await dotfiles.fill('');
    await page.getByLabel('Workspace name').fill('bad--name');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await fieldError(page, 'name').waitFor();
    assert.match(await fieldError(page, 'name').innerText(), /--/);
    assert.equal(requests.length, 1, 'the name is checked by the server');
  });

  it('creating a workspace in the UI streams its build log and shows the agent connecting', async () => {
    const frames: string[] = [];
    page.on('websocket', (ws) => {
      if (/\/workspacebuilds\/[^/]+\/logs\?follow=true/.test(ws.url()))
        ws.on('framereceived', (f) => frames.push(String(f.payload)));
    });
    await page.getByLabel('Workspace name').fill('dev');
    await page.getByRole('radio', { name: 'POSIX sh' }).check();
    await screenshot(page, 'create-workspace');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(`**/@${owner.username}/dev`);

    const log = page.getByRole('log', { name: 'Log of build 1' });
    await log.locator('[data-log-line]', { hasText: 'Apply complete!' }).waitFor({ timeout: 60_000 });
    assert.ok(frames.length > 3, `the log arrived over the follow stream (${frames.length} frames)`);
    assert.ok(frames.some((f) => f.includes('Apply complete!')));
    // Markup in the log is text: it is shown, and it never ran.
    await log.getByText(buildXss).waitFor();
    assert.equal(
      await page.evaluate(() => (window as unknown as { __xssBuild?: number }).__xssBuild),
      undefined,
    );
    assert.equal(await page.locator('.log script, .log img').count(), 0);

    await status(page).filter({ hasText: 'Running' }).waitFor({ timeout: 60_000 });
    await page.locator('[data-agent="main"] [data-status="Connected"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('.kv div:has(dt:text-is("shell")) dd').innerText(), 'sh');
    assert.equal(await page.getByLabel('SSH command').innerText(), 'hangar ssh dev');
    const app = page.locator('[data-agent="main"] a[data-app="notes"]');
    assert.equal(await app.innerText(), 'Notes');
    assert.equal(await app.getAttribute('href'), `/@${owner.username}/dev.main/apps/notes/`);
    await screenshot(page, 'workspace');

    await page.setViewportSize({ width: 400, height: 800 });
    await screenshot(page, 'workspace-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('the Terminal button opens the web terminal, where `echo hello` prints hello', async () => {
    const [term] = await Promise.all([
      ownerCtx.waitForEvent('page'),
      page.getByRole('link', { name: /Terminal/ }).click(),
    ]);
    try {
      await term
        .locator('.terminal-page[data-state="connected"], .terminal-page[data-state="disconnected"]')
        .waitFor();
      assert.equal(await term.locator('.terminal-page').getAttribute('data-state'), 'connected');
      await term.keyboard.type('echo hello\n');
      await term.waitForFunction(() =>
        Array.from(document.querySelectorAll('.xterm-rows > div')).some(
          (r) => r.textContent?.trim() === 'hello',
        ),
      );
      await screenshot(term, 'terminal');
    } finally {
      await term.close();
    }
  });

  it('an agent startup log line containing <script> renders as text', async () => {
    const logs = page.locator('[data-agent="main"] details.agent-logs');
    if (!(await logs.getAttribute('open'))) await logs.locator('summary').click();
    const line = logs.locator('[data-log-line]', { hasText: agentXss });
    await line.or(logs.getByText('could not be streamed')).waitFor();
    assert.equal(await line.count(), 1);
    assert.equal(
      await page.evaluate(() => (window as unknown as { __xssAgent?: number }).__xssAgent),
      undefined,
    );
    assert.equal(await logs.locator('script').count(), 0);
  });

  it("the agent's metadata items show their values from the live watch", async () => {
    const load = page.locator('[data-agent="main"] [data-metadata="load"] dd');
    await load.waitFor({ timeout: 5_000 });
    assert.match(await load.innerText(), /^\d+\.\d+ \d+\.\d+ \d+\.\d+$/);
  });

  it('admins create users in the UI; a member sees only their own workspaces, even by URL', async () => {
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Username').fill(alice.username);
    await page.getByLabel('Email').fill(alice.email);
    await page.getByLabel('Password').fill(alice.password);
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.locator(`[data-user="${alice.username}"]`).waitFor();
    await page.getByLabel('Search users').fill('ali');
    await page.locator(`[data-user="${owner.username}"]`).waitFor({ state: 'detached' });
    await page.getByLabel('Search users').fill('');
    await page.locator(`[data-user="${owner.username}"]`).waitFor();
    assert.match(
      await page.locator(`[data-user="${owner.username}"] time`).innerText(),
      /^(just now|\d+ seconds? ago)$/,
    );
    assert.equal(await page.locator(`[data-user="${alice.username}"] time`).innerText(), 'never');
    await screenshot(page, 'users');
    await api.users.create(bob);

    // Bob's workspace, from a template without an agent so it builds in a moment.
    const plainDir = await mkdtemp(path.join(tmpdir(), 'hangar-dash-plain-'));
    await writeFile(path.join(plainDir, 'main.tf'), plainTf);
    await cli('templates', 'push', 'plain', '-d', plainDir, '-y');
    const bobApi = new HangarClient(server.url);
    bobApi.sessionToken = (
      await bobApi.users.login({ email: bob.email, password: bob.password })
    ).session_token;
    const plain = await bobApi.templates.getByName('default', 'plain');
    await bobApi.workspaces.create('me', { template_id: plain.id, name: 'bobs' });

    // The owner sees everyone's with the owner column.
    await page.goto('/workspaces?filter=');
    await page.locator('[data-workspace="bobs"]').waitFor();
    assert.equal(await page.locator('[data-workspace="dev"] td').nth(1).innerText(), owner.username);
    await screenshot(page, 'workspaces');

    const aliceCtx = await newUserContext(browser, server.url);
    try {
      const a = await aliceCtx.newPage();
      await a.goto('/workspaces?filter=');
      await a.waitForURL(
        (u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/workspaces?filter=',
      );
      await signIn(a, alice);
      await a.waitForURL((u) => u.pathname === '/workspaces');
      await a.getByText('No workspaces match this search').waitFor();
      assert.equal(await a.locator('[data-workspace]').count(), 0);
      await a.goto(`/@${bob.username}/bobs`);
      await a
        .getByRole('alert')
        .getByText(/not found/i)
        .waitFor();
      assert.equal(
        await a.getByRole('link', { name: 'Users', exact: true }).count(),
        0,
        'members get no admin pages',
      );
    } finally {
      await aliceCtx.close();
    }
  });

  it('an expired session sends the user to sign in and then back to the page they were on', async () => {
    const ctx = await newUserContext(browser, server.url);
    try {
      const a = await ctx.newPage();
      await a.goto('/settings/account');
      await signIn(a, alice);
      await a.waitForURL('**/settings/account');
      await screenshot(a, 'account');
      // The server forgets the session (as when it expires); the next API call gets a 401.
      const cookie = (await ctx.cookies()).find((c) => c.name === 'coder_session_token')!;
      await api.users.deleteKey(alice.username, cookie.value.split('-')[0]!);
      await a.getByRole('link', { name: 'API tokens' }).click();
      await a.waitForURL(
        (u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/settings/tokens',
      );
      await a.getByText('Your session has ended').waitFor();
      await signIn(a, alice);
      await a.waitForURL('**/settings/tokens');
      await a.getByRole('heading', { name: 'New token' }).waitFor();
    } finally {
      await ctx.close();
    }
  });

  it('stop, start and delete from the workspace page; the list follows without a reload', async () => {
    await page.goto(`/@${owner.username}/dev`);
    await status(page).filter({ hasText: 'Running' }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await status(page).filter({ hasText: 'Stopped' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('[data-agent="main"]').count(), 0, 'a stopped workspace has no agent');

    await page.getByRole('button', { name: 'Start' }).click();
    await status(page).filter({ hasText: 'Running' }).waitFor({ timeout: 60_000 });
    await page.locator('[data-agent="main"] [data-status="Connected"]').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: '#3' }).waitFor();
    await screenshot(page, 'workspace-restarted');

    // The list is open in a second tab and updates by itself.
    const list = await ownerCtx.newPage();
    await list.goto('/workspaces');
    await list.locator('[data-workspace="dev"] [data-status="Running"]').waitFor();

    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog');
    assert.equal(await dialog.getByRole('button', { name: 'Delete workspace' }).isDisabled(), true);
    await dialog.getByLabel(/Type/).fill('dev');
    await dialog.getByRole('button', { name: 'Delete workspace' }).click();
    await page.getByText('This workspace was deleted.').waitFor({ timeout: 60_000 });
    await list.getByText('You have no workspaces yet').waitFor({ timeout: 20_000 });
    await list.close();
  });

  it('the deployment page shows database health, the built-in daemons and the job queue', async () => {
    await page.getByRole('link', { name: 'Deployment', exact: true }).click();
    await page.locator('[data-health="database"]', { hasText: 'Reachable' }).waitFor();
    assert.equal(await page.locator('[data-daemon]').count(), 2);
    await page.getByText('The queue is empty.').waitFor();
    await page.getByLabel('Show finished jobs').check();
    await page.getByRole('table', { name: 'Provisioner jobs' }).waitFor();
    await screenshot(page, 'deployment');
    assert.deepEqual(errors, [], 'the app threw no uncaught errors');
  });
});
