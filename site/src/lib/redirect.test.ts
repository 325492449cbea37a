import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeRedirect } from './redirect.js';

test('only local paths are followed after sign-in', () => {
  assert.equal(safeRedirect('/@alice/dev?build=2'), '/@alice/dev?build=2');
  for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:x'])
    assert.equal(safeRedirect(bad), '/workspaces', String(bad));
  assert.equal(safeRedirect('/login?redirect=/x'), '/workspaces', 'no loop back into sign-in');
});
