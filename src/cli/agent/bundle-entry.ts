/**
 * Entry of the agent bundles: the ES module served at /bin/hangar-agent.mjs to workspaces that
 * have Node.js, and the standalone executable for those without (scripts/build-steps/40-agent-sea.mjs).
 * Only the `agent` command, so neither carries the server. No top-level await: the executable's
 * entry must be CommonJS.
 */
import { Command } from 'commander';
import { exitCodeFor, printError } from '../errors.js';
import { agentCommand } from './agent-command.js';

const program = new Command('hangar-agent').addCommand(agentCommand()).exitOverride();
void program.parseAsync(process.argv).then(
  () => exit(0),
  (err: unknown) => {
    printError(err);
    exit(exitCodeFor(err));
  },
);

function exit(code: number): void {
  process.exitCode = code;
  setImmediate(() => process.exit(code));
}
