/** `hangar restart <workspace>`: a stop build, then a start build, as Coder does. */
import { Command } from 'commander';
import { authedClient } from '../../session.js';
import { buildSeconds, resultLine, runBuild } from './build.js';
import { withParameterOptions } from './parameter-options.js';
import type { ParameterFlags } from './parameters.js';
import { startParameters, startVersionId } from './start-parameters.js';
import { getWorkspace } from './workspace-ref.js';

export function restartCommand(): Command {
  const cmd = new Command('restart')
    .description('Restart a workspace (stop, then start).')
    .argument('<workspace>', 'Workspace name or owner/name.')
    .option('-y, --yes', 'Accepted for compatibility; restart never asks.');
  return withParameterOptions(cmd).action(async (ref: string, flags: ParameterFlags, command: Command) => {
    const client = await authedClient(command);
    const workspace = await getWorkspace(client, ref);
    const versionId = startVersionId(workspace);
    // Ask before stopping, so a missing value does not leave the workspace stopped.
    const values = await startParameters(client, workspace, versionId, flags, `hangar restart ${ref}`);
    const stopped = await runBuild(client, workspace, ref, { transition: 'stop' });
    process.stderr.write(resultLine(ref, 'stop', stopped));
    const started = await runBuild(client, workspace, ref, {
      transition: 'start',
      template_version_id: versionId,
      rich_parameter_values: values,
    });
    process.stdout.write(resultLine(ref, 'start', started, `stopped in ${buildSeconds(stopped)}, started`));
  });
}
