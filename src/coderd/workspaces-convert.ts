/** Workspace and build rows → wire types, loading jobs and resources for many rows at once. */
import { NotFound } from '../sdk/errors.js';
import type { Workspace, WorkspaceBuild } from '../sdk/workspaces.js';
import type { Store } from '../database/store.js';
import type { WorkspaceBuildWithNamesRow, WorkspaceWithNamesRow } from '../database/models.js';
import { jobResources } from './provisioned-resources.js';
import { toProvisionerJob } from './provisioner-convert.js';
import { workspaceStatus } from './workspace-status.js';

/** Coder stores "no deadline" as the zero time. */
const deadline = (d: Date) => (d.getTime() > 0 ? d.toISOString() : undefined);

export async function toWorkspaceBuilds(
  store: Store,
  rows: WorkspaceBuildWithNamesRow[],
): Promise<WorkspaceBuild[]> {
  const jobIds = rows.map((b) => b.job_id);
  const [jobs, resources] = await Promise.all([
    store.listWorkspaceBuildJobs(jobIds),
    jobResources(store, jobIds),
  ]);
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  return rows.map((b) => {
    const job = jobById.get(b.job_id);
    if (!job) throw new NotFound('The job of a workspace build is missing.');
    return {
      id: b.id,
      created_at: b.created_at.toISOString(),
      updated_at: b.updated_at.toISOString(),
      workspace_id: b.workspace_id,
      workspace_name: b.workspace_name,
      workspace_owner_id: b.workspace_owner_id,
      workspace_owner_name: b.workspace_owner_username,
      workspace_owner_avatar_url: b.workspace_owner_avatar_url,
      template_version_id: b.template_version_id,
      template_version_name: b.template_version_name,
      build_number: b.build_number,
      transition: b.transition,
      initiator_id: b.initiator_id,
      initiator_name: b.initiator_username,
      job: toProvisionerJob(job),
      reason: b.reason,
      resources: resources.get(b.job_id) ?? [],
      deadline: deadline(b.deadline),
      max_deadline: deadline(b.max_deadline),
      status: workspaceStatus(job.job_status, b.transition),
      daily_cost: b.daily_cost,
    };
  });
}

export async function toWorkspaces(store: Store, rows: WorkspaceWithNamesRow[]): Promise<Workspace[]> {
  const latest = await store.listLatestWorkspaceBuilds(rows.map((w) => w.id));
  const builds = new Map((await toWorkspaceBuilds(store, latest)).map((b) => [b.workspace_id, b]));
  return rows.map((w) => {
    const build = builds.get(w.id);
    if (!build) throw new NotFound(`Workspace "${w.name}" has no build.`);
    const agents = build.resources.flatMap((r) => r.agents);
    const failing = agents.filter((a) => !a.health.healthy).map((a) => a.id);
    return {
      id: w.id,
      created_at: w.created_at.toISOString(),
      updated_at: w.updated_at.toISOString(),
      owner_id: w.owner_id,
      owner_name: w.owner_username,
      owner_avatar_url: w.owner_avatar_url,
      organization_id: w.organization_id,
      organization_name: w.organization_name,
      template_id: w.template_id,
      template_name: w.template_name,
      template_display_name: w.template_display_name,
      template_icon: w.template_icon,
      template_allow_user_cancel_workspace_jobs: w.template_allow_user_cancel_workspace_jobs,
      template_active_version_id: w.template_active_version_id,
      template_require_active_version: w.template_require_active_version,
      latest_build: build,
      outdated: build.template_version_id !== w.template_active_version_id,
      name: w.name,
      autostart_schedule: w.autostart_schedule ?? undefined,
      ttl_ms: w.ttl === null ? undefined : Math.round(Number(w.ttl) / 1e6),
      last_used_at: w.last_used_at.toISOString(),
      deleting_at: w.deleting_at?.toISOString(),
      dormant_at: w.dormant_at?.toISOString(),
      health: { healthy: failing.length === 0, failing_agents: failing },
      automatic_updates: w.automatic_updates,
      allow_renames: true,
      favorite: w.favorite,
    };
  });
}
