/** Entry point of the `hangar` command. The only place that calls process.exit (house style 27). */
import type { Command } from 'commander';
import { hangarVersion } from '../sdk/version.js';
import { exitCodeFor, printError } from './errors.js';
import { addSubcommands, isVersionRequest, rootProgram, subcommandOf } from './root-program.js';

/**
 * Commands that OpenSSH (ProxyCommand) or scripts start over and over: they load only their own
 * modules, not the whole tree (which holds the server), so `ssh` reaches its first byte sooner.
 */
const fastCommands: Record<string, () => Promise<Command>> = {
  ssh: async () => (await import('./commands/ssh.js')).sshCommand(),
  'port-forward': async () => (await import('./commands/port-forward.js')).portForwardCommand(),
  tunnel: async () => (await import('./commands/port-forward.js')).portForwardCommand(),
};

async function program(args: string[]): Promise<Command> {
  const fast = fastCommands[subcommandOf(args) ?? ''];
  if (fast) return addSubcommands(rootProgram(), [await fast()]);
  return (await import('./root.js')).buildRootCommand();
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (isVersionRequest(args)) {
    process.stdout.write(`${hangarVersion}\n`);
    return 0;
  }
  try {
    await (await program(args)).parseAsync(process.argv);
    return 0;
  } catch (err) {
    printError(err);
    return exitCodeFor(err);
  }
}

const code = await main();
// Let stdout/stderr drain, then exit even if a handle (a socket, a timer) is still open.
process.exitCode = code;
setImmediate(() => process.exit(code));
