/**
 * What a job provisioned, in and out of the database: `insertProvisionedResources` stores a
 * provisioner's result (validated again here, since an external daemon is only as trusted as its
 * key), `jobResources` reads it back in the API's shape for builds, imports and dry-runs alike.
 */
import { randomUUID } from 'node:crypto';
import { InvalidInput, type ValidationError } from '../sdk/errors.js';
import { hashSecret } from './apikey.js';
import type { ProvisionedResource } from '../sdk/provisioner.js';
import type {
  DisplayApp,
  WorkspaceAgent,
  WorkspaceAgentStatus,
  WorkspaceResource,
  WorkspaceTransition,
} from '../sdk/workspaces.js';
import type { WorkspaceAgentRow, WorkspaceAppRow } from '../database/models.js';
import type { ProvisionedRows } from '../database/queries/workspace-resources.js';
import type { Store } from '../database/store.js';
import { uuidPattern } from '../sdk/validation.js';

/** Coder's agent name and app slug rule (provisioner/terraform/resources.go). */
const nameRule = /^[a-z0-9](-?[a-z0-9])*$/i;
const defaultDisplayApps: DisplayApp[] = ['vscode', 'web_terminal', 'ssh_helper', 'port_forwarding_helper'];
/** An agent silent for this long after connecting is reported disconnected. */
export const agentInactiveDisconnectMs = 30_000;

function validate(resources: ProvisionedResource[]): void {
  const problems: ValidationError[] = [];
  const agentNames = new Set<string>();
  for (const [ri, r] of resources.entries()) {
    if (!r.name || r.name.length > 64)
      problems.push({ field: `resources[${ri}].name`, detail: 'Must be 1 to 64 characters.' });
    if (!r.type || r.type.length > 192)
      problems.push({ field: `resources[${ri}].type`, detail: 'Must be 1 to 192 characters.' });
    for (const a of r.agents ?? []) {
      const field = `agent "${a.name}"`;
      if (!nameRule.test(a.name) || a.name.length > 64)
        problems.push({
          field,
          detail: a.name.includes('_')
            ? 'Agent names may not contain underscores; use hyphens.'
            : 'Agent names must be alphanumeric with single hyphens, at most 64 characters.',
        });
      if (agentNames.has(a.name.toLowerCase()))
        problems.push({
          field,
          detail: 'Duplicate agent name; agent names must be unique (case-insensitive).',
        });
      agentNames.add(a.name.toLowerCase());
      if (a.auth_token !== undefined && !uuidPattern.test(a.auth_token))
        problems.push({ field, detail: 'The agent token is not a UUID.' });
      const slugs = new Set<string>();
      for (const app of a.apps ?? []) {
        if (!nameRule.test(app.slug) || app.slug.length > 64)
          problems.push({
            field: `app "${app.slug}"`,
            detail: 'App slugs must be lowercase alphanumeric with single hyphens, at most 64 characters.',
          });
        if (slugs.has(app.slug)) problems.push({ field: `app "${app.slug}"`, detail: 'Duplicate app slug.' });
        slugs.add(app.slug);
      }
    }
  }
  if (problems.length > 0)
    throw new InvalidInput(
      `The provisioned resources are invalid: ${problems.map((p) => `${p.field}: ${p.detail}`).join('; ')}`,
      {
        validations: problems,
      },
    );
}

/** Turns a provisioner's resources into rows; ids are new, agents without a token get a random one. */
export function provisionedRows(
  jobId: string,
  transition: WorkspaceTransition,
  resources: ProvisionedResource[],
  now = new Date(),
): ProvisionedRows {
  validate(resources);
  const rows: ProvisionedRows = {
    resources: [],
    metadata: [],
    agents: [],
    apps: [],
    logSources: [],
    scripts: [],
    agentMetadata: [],
  };
  for (const r of resources) {
    const resourceId = randomUUID();
    rows.resources.push({
      id: resourceId,
      job_id: jobId,
      transition,
      type: r.type,
      name: r.name,
      hide: r.hide ?? false,
      icon: r.icon ?? '',
      instance_type: r.instance_type || null,
      daily_cost: r.daily_cost ?? 0,
      module_path: r.module_path ?? '',
      created_at: now,
    });
    for (const [i, m] of (r.metadata ?? []).entries())
      rows.metadata.push({
        workspace_resource_id: resourceId,
        key: m.key,
        value: m.is_null ? null : m.value,
        sensitive: m.sensitive,
        display_order: i,
      });
    for (const a of r.agents ?? []) {
      const agentId = randomUUID();
      const displayApps = a.display_apps
        ? (Object.entries(a.display_apps)
            .filter(([, on]) => on)
            .map(([k]) => k) as DisplayApp[])
        : defaultDisplayApps;
      rows.agents.push({
        id: agentId,
        resource_id: resourceId,
        name: a.name,
        // Only a hash is kept; an agent without a token (instance identity) gets an unusable one.
        auth_token_hash: hashSecret(a.auth_token ?? randomUUID()),
        auth_instance_id: a.instance_id ?? null,
        architecture: a.architecture ?? '',
        operating_system: a.operating_system ?? '',
        environment_variables: a.env ?? {},
        directory: a.directory ?? '',
        expanded_directory: '',
        version: '',
        api_version: '',
        first_connected_at: null,
        last_connected_at: null,
        disconnected_at: null,
        last_connected_replica_id: null,
        connection_timeout_seconds: a.connection_timeout_seconds ?? 120,
        troubleshooting_url: a.troubleshooting_url ?? '',
        motd_file: a.motd_file ?? '',
        lifecycle_state: 'created',
        started_at: null,
        ready_at: null,
        logs_length: 0,
        logs_overflowed: false,
        subsystems: [],
        display_apps: displayApps,
        display_order: a.order ?? 0,
        created_at: now,
        updated_at: now,
      });
      for (const app of a.apps ?? [])
        rows.apps.push({
          id: randomUUID(),
          agent_id: agentId,
          slug: app.slug,
          display_name: app.display_name || app.slug,
          icon: app.icon ?? '',
          command: app.command || null,
          url: app.url || null,
          external: app.external ?? false,
          subdomain: app.subdomain ?? false,
          sharing_level: app.sharing_level ?? 'owner',
          healthcheck_url: app.healthcheck?.url ?? '',
          healthcheck_interval: app.healthcheck?.interval ?? 0,
          healthcheck_threshold: app.healthcheck?.threshold ?? 0,
          health: app.healthcheck?.url ? 'initializing' : 'disabled',
          display_order: app.order ?? 0,
          hidden: app.hidden ?? false,
          open_in: app.open_in ?? 'slim-window',
          display_group: app.group || null,
          created_at: now,
        });
      for (const s of a.scripts ?? []) {
        // Each script logs under a source of its own name, as Coder shows them in the dashboard. Fields a
        // daemon left out get the provider's defaults: an external daemon's JSON is not trusted to be whole.
        const logSourceId = randomUUID();
        rows.logSources.push({
          workspace_agent_id: agentId,
          id: logSourceId,
          display_name: (s.display_name ?? '').slice(0, 127) || 'Script',
          icon: s.icon ?? '',
          created_at: now,
        });
        rows.scripts.push({
          id: randomUUID(),
          workspace_agent_id: agentId,
          log_source_id: logSourceId,
          log_path: s.log_path ?? '',
          script: s.script,
          cron: s.cron ?? '',
          start_blocks_login: s.start_blocks_login ?? false,
          run_on_start: s.run_on_start ?? false,
          run_on_stop: s.run_on_stop ?? false,
          timeout_seconds: s.timeout_seconds ?? 0,
          display_name: s.display_name ?? '',
          created_at: now,
        });
      }
      for (const m of a.metadata ?? [])
        rows.agentMetadata.push({
          workspace_agent_id: agentId,
          key: m.key,
          display_name: m.display_name,
          script: m.script,
          interval_seconds: m.interval,
          timeout_seconds: m.timeout,
          display_order: m.order ?? 0,
          value: '',
          error: '',
          collected_at: new Date(0),
        });
    }
  }
  return rows;
}

export async function insertProvisionedResources(
  tx: Store,
  jobId: string,
  transition: WorkspaceTransition,
  resources: ProvisionedResource[],
): Promise<void> {
  await tx.insertProvisionedRows(provisionedRows(jobId, transition, resources));
}

/** Coder's agent status: from the connection timestamps and the connection timeout. */
export function agentStatus(a: WorkspaceAgentRow, now = Date.now()): WorkspaceAgentStatus {
  if (!a.first_connected_at) {
    const waited = now - a.created_at.getTime();
    return a.connection_timeout_seconds > 0 && waited > a.connection_timeout_seconds * 1000
      ? 'timeout'
      : 'connecting';
  }
  if (a.disconnected_at && (!a.last_connected_at || a.disconnected_at >= a.last_connected_at))
    return 'disconnected';
  if (a.last_connected_at && now - a.last_connected_at.getTime() > agentInactiveDisconnectMs)
    return 'disconnected';
  return 'connected';
}

/**
 * Coder's agent health (db2sdk.WorkspaceAgent): an agent still connecting counts as healthy, a
 * failed startup script does not (a timed-out one does: the workspace may still be usable).
 */
export function agentHealth(
  status: WorkspaceAgentStatus,
  lifecycle: WorkspaceAgentRow['lifecycle_state'],
): WorkspaceAgent['health'] {
  const shuttingDown = ['shutting_down', 'shutdown_timeout', 'shutdown_error', 'off'].includes(lifecycle);
  if (status !== 'connected' && lifecycle === 'off')
    return { healthy: false, reason: 'agent is not running' };
  if (status === 'timeout') return { healthy: false, reason: 'agent is taking too long to connect' };
  if (status === 'disconnected') return { healthy: false, reason: 'agent has lost connection' };
  if (lifecycle === 'start_error')
    return { healthy: false, reason: 'agent startup script exited with an error' };
  if (shuttingDown) return { healthy: false, reason: 'agent is shutting down' };
  return { healthy: true };
}

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

function toApp(app: WorkspaceAppRow): WorkspaceAgent['apps'][number] {
  return {
    id: app.id,
    url: app.url ?? undefined,
    external: app.external,
    slug: app.slug,
    display_name: app.display_name,
    command: app.command ?? undefined,
    icon: app.icon,
    subdomain: app.subdomain,
    sharing_level: app.sharing_level,
    healthcheck: app.healthcheck_url
      ? { url: app.healthcheck_url, interval: app.healthcheck_interval, threshold: app.healthcheck_threshold }
      : undefined,
    health: app.health,
    hidden: app.hidden,
    open_in: app.open_in,
    group: app.display_group ?? undefined,
  };
}

/** Resources of each job (empty list for jobs without any), with agents, apps, scripts and metadata. */
export async function jobResources(
  store: Store,
  jobIds: string[],
): Promise<Map<string, WorkspaceResource[]>> {
  const out = new Map<string, WorkspaceResource[]>(jobIds.map((id) => [id, []]));
  if (jobIds.length === 0) return out;
  const { resources, metadata, agents, apps, scripts, logSources } = await store.listJobResourceRows(jobIds);
  const now = Date.now();
  const agentsByResource = new Map<string, WorkspaceAgent[]>();
  for (const a of agents) {
    const status = agentStatus(a, now);
    const agent: WorkspaceAgent = {
      id: a.id,
      created_at: a.created_at.toISOString(),
      updated_at: a.updated_at.toISOString(),
      first_connected_at: iso(a.first_connected_at),
      last_connected_at: iso(a.last_connected_at),
      disconnected_at: iso(a.disconnected_at),
      started_at: iso(a.started_at),
      ready_at: iso(a.ready_at),
      status,
      lifecycle_state: a.lifecycle_state,
      name: a.name,
      resource_id: a.resource_id,
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
      apps: apps.filter((app) => app.agent_id === a.id).map(toApp),
      connection_timeout_seconds: a.connection_timeout_seconds,
      troubleshooting_url: a.troubleshooting_url,
      subsystems: a.subsystems,
      health: agentHealth(status, a.lifecycle_state),
      display_apps: a.display_apps as DisplayApp[],
      log_sources: logSources
        .filter((l) => l.workspace_agent_id === a.id)
        .map((l) => ({
          id: l.id,
          workspace_agent_id: l.workspace_agent_id,
          created_at: l.created_at.toISOString(),
          display_name: l.display_name,
          icon: l.icon,
        })),
      scripts: scripts
        .filter((s) => s.workspace_agent_id === a.id)
        .map((s) => ({
          id: s.id,
          log_source_id: s.log_source_id,
          log_path: s.log_path ?? '',
          script: s.script,
          cron: s.cron ?? '',
          run_on_start: s.run_on_start ?? false,
          run_on_stop: s.run_on_stop ?? false,
          start_blocks_login: s.start_blocks_login ?? false,
          timeout: (s.timeout_seconds ?? 0) * 1e9,
          display_name: s.display_name ?? '',
        })),
    };
    const list = agentsByResource.get(a.resource_id) ?? [];
    list.push(agent);
    agentsByResource.set(a.resource_id, list);
  }
  for (const r of resources) {
    out.get(r.job_id)?.push({
      id: r.id,
      created_at: r.created_at.toISOString(),
      job_id: r.job_id,
      workspace_transition: r.transition,
      type: r.type,
      name: r.name,
      hide: r.hide,
      icon: r.icon,
      instance_type: r.instance_type ?? undefined,
      agents: agentsByResource.get(r.id) ?? [],
      // Sensitive values never leave the server (Coder shows them masked).
      metadata: metadata
        .filter((m) => m.workspace_resource_id === r.id)
        .map((m) => ({ key: m.key, value: m.sensitive ? '' : (m.value ?? ''), sensitive: m.sensitive })),
      daily_cost: r.daily_cost,
    });
  }
  return out;
}
