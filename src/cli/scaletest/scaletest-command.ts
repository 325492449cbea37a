/** `hangar scaletest …`: load a deployment the way many users and agents would, and measure it. */
import { Command } from 'commander';
import { cleanupCommand } from './cleanup.js';
import { createWorkspacesCommand } from './create-workspaces.js';
import { dashboardCommand } from './dashboard.js';
import { simulateAgentsCommand } from './simulate-agents.js';
import { workspaceTrafficCommand } from './workspace-traffic.js';

export function scaletestCommand(): Command {
  return new Command('scaletest')
    .description('Load-test a deployment: create workspaces, simulate agents, send traffic, clean up.')
    .addCommand(createWorkspacesCommand())
    .addCommand(simulateAgentsCommand())
    .addCommand(workspaceTrafficCommand())
    .addCommand(dashboardCommand())
    .addCommand(cleanupCommand());
}
