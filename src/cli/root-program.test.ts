import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portForwardCommand } from './commands/port-forward.js';
import { sshCommand } from './commands/ssh.js';
import { buildRootCommand } from './root.js';
import { addSubcommands, rootProgram, subcommandOf } from './root-program.js';
import { helpText } from '../../test/support/cli.js';

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

test('a command on the fast path (main.ts) has the same help, global options included, as in the whole tree', () => {
  const whole = buildRootCommand();
  for (const make of [sshCommand, portForwardCommand]) {
    const fast = addSubcommands(rootProgram(), [make()]);
    const name = fast.commands[0]!.name();
    assert.match(helpText(fast, [name]), /--global-config/);
    assert.equal(helpText(fast, [name]), helpText(whole, [name]));
  }
});
