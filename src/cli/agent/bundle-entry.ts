/**
 * Entry of the agent bundle served at /bin/hangar-agent.mjs to workspaces that have Node.js:
 * only the `agent` command, so the bundle carries none of the server.
 */
import { Command } from 'commander';
import { exitCodeFor, printError } from '../errors.js';
import { agentCommand } from './agent-command.js';

const program = new Command('hangar-agent').addCommand(agentCommand()).exitOverride();
let code = 0;
try {
  await program.parseAsync(process.argv);
} catch (err) {
  printError(err);
  code = exitCodeFor(err);
}
process.exitCode = code;
setImmediate(() => process.exit(code));
