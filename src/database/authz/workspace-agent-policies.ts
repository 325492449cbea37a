/**
 * Policies for running agents. Agents authenticate with their token through the `agent` system
 * actor (the token lookup and every report the agent makes); users read an agent when they can
 * read its workspace.
 */
import { readOne, systemOnly, type Policies } from './policy.js';

type WorkspaceAgentPolicies = Pick<
  Policies,
  | 'getWorkspaceAgentByAuthToken'
  | 'getWorkspaceAgentById'
  | 'updateWorkspaceAgentConnection'
  | 'updateWorkspaceAgentLifecycle'
  | 'updateWorkspaceAgentStartup'
  | 'listWorkspaceAgentMetadataByAgentId'
>;

export const workspaceAgentPolicies: WorkspaceAgentPolicies = {
  getWorkspaceAgentByAuthToken: systemOnly(),
  getWorkspaceAgentById: readOne((a) => ({
    type: 'workspace',
    id: a.workspace_id,
    orgId: a.organization_id,
    ownerId: a.owner_id,
  })),
  updateWorkspaceAgentConnection: systemOnly(),
  updateWorkspaceAgentLifecycle: systemOnly(),
  updateWorkspaceAgentStartup: systemOnly(),
  listWorkspaceAgentMetadataByAgentId: systemOnly(),
};
