import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkspaceApp } from '../../../src/sdk/workspaces.js';
import { appLink, terminalHref } from './app-url.js';

const app = (fields: Partial<WorkspaceApp>): WorkspaceApp => ({
  id: 'a',
  external: false,
  slug: 'code',
  display_name: 'Code',
  icon: '',
  subdomain: false,
  sharing_level: 'owner',
  health: 'disabled',
  hidden: false,
  open_in: 'tab',
  ...fields,
});
const target = { owner: 'alice', workspace: 'dev', agent: 'main' };
const here = new URL('https://hangar.example.com/@alice/dev');

test('path apps live under /@owner/workspace.agent/apps/slug/', () => {
  assert.deepEqual(appLink(app({ url: 'http://localhost:8080' }), target, '', here), {
    href: '/@alice/dev.main/apps/code/',
  });
});

test('subdomain apps use the wildcard host, and are disabled without one', () => {
  assert.deepEqual(
    appLink(app({ subdomain: true, url: 'http://localhost:8080' }), target, '*.apps.example.com', here),
    {
      href: 'https://code--main--dev--alice.apps.example.com/',
    },
  );
  assert.ok('disabled' in appLink(app({ subdomain: true }), target, '', here));
});

test('external apps open their URL unless it is a script URL; command apps open the terminal', () => {
  assert.deepEqual(appLink(app({ external: true, url: 'vscode://x' }), target, '', here), {
    href: 'vscode://x',
  });
  assert.ok('disabled' in appLink(app({ external: true, url: 'javascript:alert(1)' }), target, '', here));
  assert.deepEqual(appLink(app({ command: 'htop' }), target, '', here), {
    href: '/@alice/dev.main/terminal?command=htop',
  });
  assert.equal(terminalHref(target), '/@alice/dev.main/terminal');
});
