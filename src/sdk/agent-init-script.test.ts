import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { agentInitScript } from './agent-init-script.js';

test('the init script is valid sh and carries the access URL quoted', () => {
  const script = agentInitScript('linux', 'amd64', "http://127.0.0.1:3000/it's");
  execFileSync('sh', ['-n', '-c', script]);
  assert.match(script, /ACCESS_URL='http:\/\/127\.0\.0\.1:3000\/it'\\''s\/'/);
  assert.match(script, /hangar-agent-linux-amd64/);
});
