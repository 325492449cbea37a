/**
 * Storing what a job provisioned and reading it back in the API's shape.
 * INTERIM (branch ws): a minimal version of the lead's contract (same signatures) so workspace
 * builds can be tested before it lands on main; no scripts, log sources or agent metadata.
 */
import { randomUUID } from 'node:crypto';
import { InvalidInput } from '../sdk/errors.js';
import type { ProvisionedResource } from '../sdk/provisioner.js';
import type {
  DisplayApp,
  WorkspaceAgent,
  WorkspaceAgentStatus,
  WorkspaceResource,
  WorkspaceTransition,
} from '../sdk/workspaces.js';
import type { Store } from '../database/store.js';
import type { WorkspaceAgentRow } from '../database/queries/workspace-resources.js';

const defaultDisplayApps: DisplayApp[] = ['vscode', 'web_terminal', 'ssh_helper', 'port_forwarding_helper'];

export async function insertProvisionedResources(
  tx: Store,
  jobId: string,
  transition: WorkspaceTransition,
  resources: ProvisionedResource[],
): Promise<void> {
  const agentNames = new Set<string>();
  for (const r of resources) {
    const row = await tx.insertWorkspaceResource({
      id: randomUUID(),
      job_id: jobId,
      transition,
      type: r.type,
      name: r.name,
      hide: r.hide ?? false,
      icon: r.icon ?? '',
      instance_type: r.instance_type ?? null,
      daily_cost: r.daily_cost ?? 0,
    });
    await tx.insertWorkspaceResourceMetadata(
      row.id,
      (r.metadata ?? []).map((m) => ({
        key: m.key,
        value: m.is_null ? null : m.value,
        sensitive: m.sensitive,
      })),
    );
    for (const [i, a] of (r.agents ?? []).entries()) {
      if (agentNames.has(a.name)) throw InvalidInput.field('agents', `Duplicate agent name "${a.name}".`);
      agentNames.add(a.name);
      const agentId = randomUUID();
      await tx.insertWorkspaceAgent({
        id: agentId,
        resource_id: row.id,
        name: a.name,
        auth_token: a.auth_token ?? randomUUID(),
        auth_instance_id: a.instance_id ?? null,
        architecture: a.architecture ?? '',
        operating_system: a.operating_system ?? '',
        environment_variables: a.env ?? {},
        directory: a.directory ?? '',
        connection_timeout_seconds: a.connection_timeout_seconds ?? 120,
        troubleshooting_url: a.troubleshooting_url ?? '',
        motd_file: a.motd_file ?? '',
        display_apps: a.display_apps
          ? (Object.entries(a.display_apps)
              .filter(([, on]) => on)
              .map(([k]) => k) as DisplayApp[])
          : defaultDisplayApps,
        display_order: a.order ?? i,
      });
      for (const app of a.apps ?? []) {
        await tx.insertWorkspaceApp({
          id: randomUUID(),
          agent_id: agentId,
          slug: app.slug,
          display_name: app.display_name,
          icon: app.icon,
          command: app.command ?? null,
          url: app.url ?? null,
          external: app.external,
          subdomain: app.subdomain,
          sharing_level: app.sharing_level,
          healthcheck_url: app.healthcheck?.url ?? '',
          healthcheck_interval: app.healthcheck?.interval ?? 0,
          healthcheck_threshold: app.healthcheck?.threshold ?? 0,
          hidden: app.hidden,
          open_in: app.open_in,
          display_group: app.group ?? null,
          display_order: app.order,
        });
      }
    }
  }
}

function agentStatus(a: WorkspaceAgentRow, now: number): WorkspaceAgentStatus {
  if (!a.first_connected_at) {
    return now - a.created_at.getTime() > a.connection_timeout_seconds * 1000 &&
      a.connection_timeout_seconds > 0
      ? 'timeout'
      : 'connecting';
  }
  if (a.disconnected_at && (!a.last_connected_at || a.disconnected_at > a.last_connected_at))
    return 'disconnected';
  return 'connected';
}

const iso = (d: Date | null) => d?.toISOString();

export async function jobResources(
  store: Store,
  jobIds: string[],
): Promise<Map<string, WorkspaceResource[]>> {
  const out = new Map<string, WorkspaceResource[]>(jobIds.map((id) => [id, []]));
  if (jobIds.length === 0) return out;
  const resources = await store.listWorkspaceResourcesByJobIds(jobIds);
  const rids = resources.map((r) => r.id);
  const [metadata, agents] = await Promise.all([
    store.listWorkspaceResourceMetadata(rids),
    store.listWorkspaceAgentsByResourceIds(rids),
  ]);
  const apps = await store.listWorkspaceAppsByAgentIds(agents.map((a) => a.id));
  const now = Date.now();
  for (const r of resources) {
    const agentList: WorkspaceAgent[] = agents
      .filter((a) => a.resource_id === r.id)
      .map((a) => {
        const status = agentStatus(a, now);
        return {
          id: a.id,
          created_at: a.created_at.toISOString(),
          updated_at: a.updated_at.toISOString(),
          first_connected_at: iso(a.first_connected_at),
          last_connected_at: iso(a.last_connected_at),
          disconnected_at: iso(a.disconnected_at),
          started_at: iso(a.started_at),
          ready_at: iso(a.ready_at),
          status,
          lifecycle_state: a.lifecycle_state as WorkspaceAgent['lifecycle_state'],
          name: a.name,
          resource_id: r.id,
          instance_id: a.auth_instance_id ?? undefined,
          architecture: a.architecture,
          environment_variables: a.environment_variables,
          operating_system: a.operating_system,
          logs_length: a.logs_length,
          logs_overflowed: a.logs_overflowed,
          directory: a.directory,
          expanded_directory: a.expanded_directory,
          version: a.version,
          api_version: a.api_version,
          apps: apps
            .filter((p) => p.agent_id === a.id)
            .map((p) => ({
              id: p.id,
              url: p.url ?? undefined,
              external: p.external,
              slug: p.slug,
              display_name: p.display_name,
              command: p.command ?? undefined,
              icon: p.icon,
              subdomain: p.subdomain,
              sharing_level: p.sharing_level,
              healthcheck: p.healthcheck_url
                ? {
                    url: p.healthcheck_url,
                    interval: p.healthcheck_interval,
                    threshold: p.healthcheck_threshold,
                  }
                : undefined,
              health: p.health,
              hidden: p.hidden,
              open_in: p.open_in as 'slim-window' | 'tab',
              group: p.display_group ?? undefined,
            })),
          connection_timeout_seconds: a.connection_timeout_seconds,
          troubleshooting_url: a.troubleshooting_url,
          subsystems: a.subsystems,
          health:
            status === 'connected'
              ? { healthy: true }
              : {
                  healthy: false,
                  reason: status === 'timeout' ? 'agent is taking too long to connect' : `agent is ${status}`,
                },
          display_apps: a.display_apps as DisplayApp[],
          log_sources: [],
          scripts: [],
        };
      });
    out.get(r.job_id)!.push({
      id: r.id,
      created_at: r.created_at.toISOString(),
      job_id: r.job_id,
      workspace_transition: r.transition,
      type: r.type,
      name: r.name,
      hide: r.hide,
      icon: r.icon,
      instance_type: r.instance_type ?? undefined,
      agents: agentList,
      metadata: metadata
        .filter((m) => m.workspace_resource_id === r.id)
        .map((m) => ({ key: m.key, value: m.sensitive ? '' : (m.value ?? ''), sensitive: m.sensitive })),
      daily_cost: r.daily_cost,
    });
  }
  return out;
}
