/** `hangar start <workspace>`: a start build, prompting only for parameters it has no value for. */
import { Command } from 'commander';
import { authedClient } from '../../session.js';
import { resultLine, runBuild } from './build.js';
import { withParameterOptions } from './parameter-options.js';
import type { ParameterFlags } from './parameters.js';
import { startParameters, startVersionId } from './start-parameters.js';
import { getWorkspace } from './workspace-ref.js';

export function startCommand(): Command {
  const cmd = new Command('start')
    .description('Start a workspace.')
    .argument('<workspace>', 'Workspace name or owner/name.');
  return withParameterOptions(cmd).action(async (ref: string, flags: ParameterFlags, command: Command) => {
    const client = await authedClient(command);
    const workspace = await getWorkspace(client, ref);
    const versionId = startVersionId(workspace);
    const values = await startParameters(client, workspace, versionId, flags, `hangar start ${ref}`);
    const followed = await runBuild(client, workspace, ref, {
      transition: 'start',
      template_version_id: versionId,
      rich_parameter_values: values,
    });
    process.stdout.write(resultLine(ref, 'start', followed));
  });
}
