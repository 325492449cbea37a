/** `hangar delete <workspace>`: a delete build (Terraform destroys everything); --orphan skips Terraform. */
import { Command } from 'commander';
import { authedClient } from '../../session.js';
import { confirmOrRefuse } from '../../ui/prompt.js';
import { resultLine, runBuild } from './build.js';
import { getWorkspace } from './workspace-ref.js';

export function deleteCommand(): Command {
  return new Command('delete')
    .alias('rm')
    .description('Delete a workspace and everything its template created.')
    .argument('<workspace>', 'Workspace name or owner/name.')
    .option('-y, --yes', 'Do not ask for confirmation.')
    .option('--orphan', 'Delete without running Terraform, leaving the resources behind (owners only).')
    .action(async (ref: string, flags: { yes?: boolean; orphan?: boolean }, command: Command) => {
      const client = await authedClient(command);
      const workspace = await getWorkspace(client, ref);
      await confirmOrRefuse(
        flags.orphan
          ? `Delete workspace "${ref}" without destroying its resources?`
          : `Delete workspace "${ref}" and destroy its resources?`,
        flags.yes,
      );
      const followed = await runBuild(client, workspace, ref, {
        transition: 'delete',
        orphan: flags.orphan || undefined,
      });
      process.stdout.write(resultLine(ref, 'delete', followed, flags.orphan ? 'orphaned' : 'built'));
    });
}
