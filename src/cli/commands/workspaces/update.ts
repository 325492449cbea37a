/** `hangar update <workspace>`: a start build on the template's active version. */
import { Command } from 'commander';
import { authedClient } from '../../session.js';
import { resultLine, runBuild } from './build.js';
import { withParameterOptions } from './parameter-options.js';
import type { ParameterFlags } from './parameters.js';
import { startParameters } from './start-parameters.js';
import { getWorkspace } from './workspace-ref.js';

export function updateCommand(): Command {
  const cmd = new Command('update')
    .description("Update a workspace to its template's active version (a start build).")
    .argument('<workspace>', 'Workspace name or owner/name.');
  return withParameterOptions(cmd).action(async (ref: string, flags: ParameterFlags, command: Command) => {
    const client = await authedClient(command);
    const workspace = await getWorkspace(client, ref);
    if (!workspace.outdated) {
      process.stdout.write(`Workspace "${ref}" is already on the active version.\n`);
      return;
    }
    const versionId = workspace.template_active_version_id;
    const values = await startParameters(client, workspace, versionId, flags, `hangar update ${ref}`);
    const followed = await runBuild(client, workspace, ref, {
      transition: 'start',
      template_version_id: versionId,
      rich_parameter_values: values,
    });
    process.stdout.write(resultLine(ref, 'start', followed, 'updated'));
  });
}
