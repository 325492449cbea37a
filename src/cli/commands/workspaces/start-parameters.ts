/** Parameter values for a start build (start, restart, update) on a given template version. */
import type { HangarClient } from '../../../sdk/hangar-client.js';
import type { Workspace, WorkspaceBuildParameter } from '../../../sdk/workspaces.js';
import { givenParameters, resolveParameters, type ParameterFlags } from './parameters.js';

export async function startParameters(
  client: HangarClient,
  workspace: Workspace,
  versionId: string,
  flags: ParameterFlags,
  command: string,
): Promise<WorkspaceBuildParameter[]> {
  const [params, previous] = await Promise.all([
    client.templates.versionParameters(versionId),
    client.workspaces.buildParameters(workspace.latest_build.id),
  ]);
  // Only parameters the version still has carry forward; new required ones must be given.
  return resolveParameters(params, await givenParameters(flags), { previous, command });
}

/** The version a start uses: the workspace's own, or the active one when the template requires it. */
export function startVersionId(workspace: Workspace): string {
  return workspace.template_require_active_version
    ? workspace.template_active_version_id
    : workspace.latest_build.template_version_id;
}
