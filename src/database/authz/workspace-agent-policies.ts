/**
 * Policies for running agents. Agents authenticate with their token through the `agent` system
 * actor (the token lookup and every report the agent makes); users read an agent when they can
 * read its workspace.
 */
import type { WorkspaceAgentWithWorkspaceRow } from '../queries/workspace-agents.js';
import { check, readOne, systemOnly, type Policies } from './policy.js';
import type { AuthzObject } from './rbac.js';

type WorkspaceAgentPolicies = Pick<
  Policies,
  | 'getWorkspaceAgentByAuthTokenHash'
  | 'getWorkspaceAgentById'
  | 'getWorkspaceAgentForConnection'
  | 'updateWorkspaceAgentConnection'
  | 'getWorkspaceAgentReplicaId'
  | 'updateWorkspaceAgentLifecycle'
  | 'updateWorkspaceAgentStartup'
  | 'listWorkspaceAgentMetadataByAgentId'
>;

const workspaceOf = (a: WorkspaceAgentWithWorkspaceRow): AuthzObject => ({
  type: 'workspace',
  id: a.workspace_id,
  orgId: a.organization_id,
  ownerId: a.owner_id,
});

export const workspaceAgentPolicies: WorkspaceAgentPolicies = {
  getWorkspaceAgentByAuthTokenHash: systemOnly(),
  getWorkspaceAgentById: readOne(workspaceOf),
  // Connecting (SSH, port forwarding) is its own right: readable but not connectable is refused.
  async getWorkspaceAgentForConnection({ actor, call }) {
    const agent = await call();
    if (agent) check(actor, 'ssh', workspaceOf(agent), 'Workspace agent');
    return agent;
  },
  updateWorkspaceAgentConnection: systemOnly(),
  getWorkspaceAgentReplicaId: systemOnly(),
  updateWorkspaceAgentLifecycle: systemOnly(),
  updateWorkspaceAgentStartup: systemOnly(),
  listWorkspaceAgentMetadataByAgentId: systemOnly(),
};
