import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { portForwardCommand } from './commands/port-forward.js';
import { sshCommand } from './commands/ssh.js';
import { buildRootCommand } from './root.js';
import { addSubcommands, rootProgram, subcommandOf } from './root-program.js';

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

/** `hangar <name> --help` as the given program prints it. */
function help(program: Command, name: string): string {
  const cmd = program.commands.find((c) => c.name() === name)!;
  let out = '';
  cmd.configureOutput({
    writeOut: (s) => (out += s),
    getOutHelpWidth: () => 80,
    getOutHasColors: () => false,
  });
  cmd.outputHelp();
  return out;
}

test('a command on the fast path (main.ts) has the same help, global options included, as in the whole tree', () => {
  const whole = buildRootCommand();
  for (const make of [sshCommand, portForwardCommand]) {
    const fast = addSubcommands(rootProgram(), [make()]);
    const name = fast.commands[0]!.name();
    assert.match(help(fast, name), /--global-config/);
    assert.equal(help(fast, name), help(whole, name));
  }
});
