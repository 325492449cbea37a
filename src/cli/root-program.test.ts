import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subcommandOf } from './root-program.js';

test('subcommandOf skips the global options before the subcommand, and gives up on unknown ones', () => {
  assert.equal(subcommandOf(['ssh', '--stdio', 'dev']), 'ssh');
  assert.equal(subcommandOf(['--global-config', '/tmp/x', 'ssh', '--stdio', 'dev']), 'ssh');
  assert.equal(subcommandOf(['--url=http://h', '-v', '--token', 't', 'port-forward', 'dev']), 'port-forward');
  // The value of a global option is not the subcommand.
  assert.equal(subcommandOf(['--global-config', 'ssh', 'login']), 'login');
  assert.equal(subcommandOf(['--help']), undefined);
  assert.equal(subcommandOf(['--unknown', 'ssh']), undefined);
  assert.equal(subcommandOf([]), undefined);
});
