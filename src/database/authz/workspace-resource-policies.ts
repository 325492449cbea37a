/**
 * Policies for what jobs provisioned. Only provisionerd (the system) inserts. Reading follows the
 * job: a build's resources are readable by whoever can read its workspace, an import's or dry-run's
 * by whoever can read templates in the organization, anything else by whoever can read the job.
 */
import { NotFound } from '../../sdk/errors.js';
import { authorize, type Actor, type AuthzObject } from './rbac.js';
import { systemOnly, type Policies, type Policy } from './policy.js';
import type { Store } from '../store.js';
import type { JobAuthzTargetRow } from '../queries/workspace-resources.js';

type WorkspaceResourcePolicies = Pick<
  Policies,
  | 'insertProvisionedRows'
  | 'listWorkspaceResourcesByJobIds'
  | 'listWorkspaceResourceMetadataByJobIds'
  | 'listWorkspaceAgentsByJobIds'
  | 'listWorkspaceAppsByJobIds'
  | 'listWorkspaceAgentScriptsByJobIds'
  | 'listWorkspaceAgentLogSourcesByJobIds'
  | 'listJobResourceRows'
  | 'getJobAuthzTargets'
>;

export function jobTargetObject(t: JobAuthzTargetRow): AuthzObject {
  if (t.type === 'workspace_build' && t.workspace_id)
    return {
      type: 'workspace',
      id: t.workspace_id,
      orgId: t.organization_id,
      ownerId: t.workspace_owner_id ?? '',
    };
  if (t.type === 'template_version_import' || t.type === 'template_version_dry_run')
    return { type: 'template', orgId: t.organization_id };
  return { type: 'provisioner_job', id: t.job_id, orgId: t.organization_id, ownerId: t.initiator_id };
}

/** Every requested job must be readable; callers pass ids they got from authorized reads. */
async function requireReadableJobs(actor: Actor, inner: Store, jobIds: string[]): Promise<void> {
  if (actor.kind === 'system' || jobIds.length === 0) return;
  const targets = await inner.getJobAuthzTargets([...new Set(jobIds)]);
  if (
    targets.length !== new Set(jobIds).size ||
    !targets.every((t) => authorize(actor, 'read', jobTargetObject(t)))
  )
    throw new NotFound('Resources not found.');
}

function byReadableJobs<F extends (jobIds: string[]) => Promise<unknown>>(): Policy<F> {
  return (async (
    { actor, inner, call }: { actor: Actor; inner: Store; call: () => Promise<unknown> },
    jobIds: string[],
  ) => {
    await requireReadableJobs(actor, inner, jobIds);
    return call();
  }) as unknown as Policy<F>;
}

export const workspaceResourcePolicies: WorkspaceResourcePolicies = {
  insertProvisionedRows: systemOnly(),
  listWorkspaceResourcesByJobIds: byReadableJobs(),
  listWorkspaceResourceMetadataByJobIds: byReadableJobs(),
  listWorkspaceAgentsByJobIds: byReadableJobs(),
  listWorkspaceAppsByJobIds: byReadableJobs(),
  listWorkspaceAgentScriptsByJobIds: byReadableJobs(),
  listWorkspaceAgentLogSourcesByJobIds: byReadableJobs(),
  // One check for all six lists: the workspace list's hot path (issue 9).
  listJobResourceRows: byReadableJobs(),
  getJobAuthzTargets: systemOnly(),
};
