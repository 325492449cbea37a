import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeRedirectPath } from './safe-redirect.js';

test('post-login redirects stay on the same origin (GHSA-wcx9-ccpj-hx3c)', () => {
  assert.equal(safeRedirectPath('/workspaces?q=owner:me#top'), '/workspaces?q=owner:me#top');
  assert.equal(safeRedirectPath('/@alice/dev/apps/code/'), '/@alice/dev/apps/code/');
  for (const bad of [
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/\tevil',
    'workspaces',
    '',
    null,
    undefined,
  ])
    assert.equal(safeRedirectPath(bad, '/home'), '/home', String(bad));
});
