/**
 * Runs a workspace build the way every command shows it: the build log live with a progress
 * indicator, then one line saying where the workspace ended up, or the job's error.
 */
import type { HangarClient } from '../../../sdk/hangar-client.js';
import type { CreateWorkspaceBuildRequest, Workspace, WorkspaceBuild } from '../../../sdk/workspaces.js';
import { followJob, formatSeconds, jobFailure, type FollowedJob } from '../../ui/job-logs.js';

const doing = { start: 'Starting', stop: 'Stopping', delete: 'Deleting' } as const;
const done = { start: 'is running', stop: 'is stopped', delete: 'has been deleted' } as const;

/** Follows a build to its end; throws the job's error unless it succeeded. */
export async function followBuild(
  client: HangarClient,
  build: WorkspaceBuild,
  label: string,
): Promise<FollowedJob> {
  const title = `${doing[build.transition]} workspace "${label}"`;
  const followed = await followJob(
    client,
    {
      followUrl: (after) => client.workspaces.followBuildLogsUrl(build.id, after),
      logs: (after) => client.workspaces.buildLogs(build.id, after),
      job: async () => (await client.workspaces.build(build.id)).job,
    },
    title,
  );
  if (followed.job.status !== 'succeeded') throw jobFailure(title, followed);
  return followed;
}

export async function runBuild(
  client: HangarClient,
  workspace: Workspace,
  label: string,
  req: CreateWorkspaceBuildRequest,
): Promise<FollowedJob> {
  const build = await client.workspaces.createBuild(workspace.id, { reason: 'cli', ...req });
  return followBuild(client, build, label);
}

/** How long the job took from being queued to finishing (the wall clock when times are missing). */
export function buildSeconds(followed: FollowedJob): string {
  const { created_at, completed_at } = followed.job;
  const ms = completed_at ? Date.parse(completed_at) - Date.parse(created_at) : followed.elapsedMs;
  return formatSeconds(Number.isFinite(ms) ? ms : followed.elapsedMs);
}

export function resultLine(
  label: string,
  transition: WorkspaceBuild['transition'],
  followed: FollowedJob,
  verb = 'built',
): string {
  return `Workspace "${label}" ${done[transition]} (${verb} in ${buildSeconds(followed)}).\n`;
}
