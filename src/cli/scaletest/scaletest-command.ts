/** `hangar scaletest …`: load a deployment the way many users and agents would, and measure it. */
import { Command } from 'commander';
import { cleanupCommand } from './cleanup.js';
import { createWorkspacesCommand } from './create-workspaces.js';
import { simulateAgentsCommand } from './simulate-agents.js';

export function scaletestCommand(): Command {
  return new Command('scaletest')
    .description('Load-test a deployment: create workspaces, simulate agents, clean up.')
    .addCommand(createWorkspacesCommand())
    .addCommand(simulateAgentsCommand())
    .addCommand(cleanupCommand());
}
