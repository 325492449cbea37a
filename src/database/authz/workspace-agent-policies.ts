/**
 * Policies for running agents. Agents authenticate with their token through the `agent` system
 * actor (the token lookup and every report the agent makes); users read an agent, its logs and
 * its metadata when they can read its workspace.
 */
import type { WorkspaceAgentWithWorkspaceRow } from '../queries/workspace-agents.js';
import { check, readOne, systemOnly, type Policies, type Policy } from './policy.js';
import type { Store } from '../store.js';
import { authorize, type Actor, type AuthzObject } from './rbac.js';

type WorkspaceAgentPolicies = Pick<
  Policies,
  | 'getWorkspaceAgentByAuthTokenHash'
  | 'getWorkspaceAgentById'
  | 'getWorkspaceAgentForConnection'
  | 'updateWorkspaceAgentConnection'
  | 'refreshWorkspaceAgentConnections'
  | 'listCurrentWorkspaceAgentIds'
  | 'getWorkspaceAgentReplicaId'
  | 'updateWorkspaceAgentLifecycle'
  | 'updateWorkspaceAgentStartup'
  | 'insertWorkspaceAgentStats'
  | 'listWorkspaceAgentMetadataByAgentId'
  | 'updateWorkspaceAgentMetadata'
  | 'insertWorkspaceAgentLogs'
  | 'listWorkspaceAgentLogsAfter'
  | 'ensureWorkspaceAgentLogSource'
>;

const workspaceOf = (a: WorkspaceAgentWithWorkspaceRow): AuthzObject => ({
  type: 'workspace',
  id: a.workspace_id,
  orgId: a.organization_id,
  ownerId: a.owner_id,
});

/** A list about one agent (first argument): empty unless the actor may read the agent's workspace. */
function readByAgent<F extends (agentId: string, ...rest: never[]) => Promise<unknown[]>>(): Policy<F> {
  const policy = async (
    { actor, inner, call }: { actor: Actor; inner: Store; call: () => Promise<unknown[]> },
    agentId: string,
  ) => {
    const agent = await inner.getWorkspaceAgentById(agentId);
    return agent && authorize(actor, 'read', workspaceOf(agent)) ? call() : [];
  };
  return policy as unknown as Policy<F>;
}

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
  refreshWorkspaceAgentConnections: systemOnly(),
  listCurrentWorkspaceAgentIds: systemOnly(),
  getWorkspaceAgentReplicaId: systemOnly(),
  updateWorkspaceAgentLifecycle: systemOnly(),
  updateWorkspaceAgentStartup: systemOnly(),
  insertWorkspaceAgentStats: systemOnly(),
  listWorkspaceAgentMetadataByAgentId: readByAgent(),
  updateWorkspaceAgentMetadata: systemOnly(),
  insertWorkspaceAgentLogs: systemOnly(),
  listWorkspaceAgentLogsAfter: readByAgent(),
  ensureWorkspaceAgentLogSource: systemOnly(),
};
