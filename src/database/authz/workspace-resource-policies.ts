/**
 * Policies for provisioned resources. INTERIM (branch ws) until the lead's version lands: inserts
 * are the provisionerd actor's; listing by job requires each job to be readable (a build through
 * its workspace, an import through its template); the per-resource lists take ids that come from
 * such a listing.
 */
import { NotFound } from '../../sdk/errors.js';
import { check, systemOnly, type Policies } from './policy.js';
import { workspaceObject } from './workspace-policies.js';

type ResourcePolicies = Pick<
  Policies,
  | 'insertWorkspaceResource'
  | 'insertWorkspaceResourceMetadata'
  | 'insertWorkspaceAgent'
  | 'insertWorkspaceApp'
  | 'listWorkspaceResourcesByJobIds'
  | 'listWorkspaceResourceMetadata'
  | 'listWorkspaceAgentsByResourceIds'
  | 'listWorkspaceAppsByAgentIds'
>;

export const workspaceResourcePolicies: ResourcePolicies = {
  insertWorkspaceResource: systemOnly(),
  insertWorkspaceResourceMetadata: systemOnly(),
  insertWorkspaceAgent: systemOnly(),
  insertWorkspaceApp: systemOnly(),
  async listWorkspaceResourcesByJobIds({ actor, inner, call }, jobIds) {
    const builds = new Map((await inner.listWorkspaceBuildJobs(jobIds)).map((j) => [j.id, j]));
    for (const id of jobIds) {
      const b = builds.get(id);
      if (b) {
        check(
          actor,
          'read',
          workspaceObject({
            id: '',
            owner_id: b.workspace_owner_id,
            organization_id: b.workspace_organization_id,
          }),
          'Workspace',
        );
        continue;
      }
      const job = await inner.getProvisionerJobById(id);
      if (!job) throw new NotFound('Provisioner job not found.');
      check(actor, 'read', { type: 'template', orgId: job.organization_id }, 'Template');
    }
    return call();
  },
  listWorkspaceResourceMetadata: ({ call }) => call(),
  listWorkspaceAgentsByResourceIds: ({ call }) => call(),
  listWorkspaceAppsByAgentIds: ({ call }) => call(),
};
