/** `hangar stop <workspace>`: a stop build (ephemeral resources go, persistent ones stay). */
import { Command } from 'commander';
import { authedClient } from '../../session.js';
import { resultLine, runBuild } from './build.js';
import { getWorkspace } from './workspace-ref.js';

export function stopCommand(): Command {
  return new Command('stop')
    .description('Stop a workspace.')
    .argument('<workspace>', 'Workspace name or owner/name.')
    .option('-y, --yes', 'Accepted for compatibility; stop never asks.')
    .action(async (ref: string, _flags: unknown, command: Command) => {
      const client = await authedClient(command);
      const workspace = await getWorkspace(client, ref);
      const followed = await runBuild(client, workspace, ref, { transition: 'stop' });
      process.stdout.write(resultLine(ref, 'stop', followed));
    });
}
