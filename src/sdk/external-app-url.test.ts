import assert from 'node:assert/strict';
import { test } from 'node:test';
import { externalAppHref, mayCarrySessionToken } from './external-app-url.js';

test('$SESSION_TOKEN is substituted only for allow-listed desktop schemes (GHSA-v54h-cp2w-9x4g)', async () => {
  let minted = 0;
  const token = async () => {
    minted++;
    return 'abc-123';
  };
  assert.equal(
    await externalAppHref('vscode://coder.coder-remote/open?token=$SESSION_TOKEN', token),
    'vscode://coder.coder-remote/open?token=abc-123',
  );
  assert.equal(
    await externalAppHref('https://evil.example/?t=$SESSION_TOKEN', token),
    'https://evil.example/?t=$SESSION_TOKEN',
  );
  assert.equal(await externalAppHref('jetbrains-gateway://connect', token), 'jetbrains-gateway://connect');
  assert.equal(minted, 1, 'a token is minted only when it is substituted');
  assert.equal(mayCarrySessionToken('VSCode-Insiders://x'), true);
  assert.equal(mayCarrySessionToken('data:text/html,$SESSION_TOKEN'), false);
});
