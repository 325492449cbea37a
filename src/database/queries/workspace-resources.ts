/**
 * SQL for what a job provisioned: resources, their metadata, agents and apps.
 * INTERIM (branch ws): a minimal version until the lead's workspace-resources.ts lands on main;
 * it has no agent scripts, log sources or agent metadata.
 */
import { many, one, type Queryable } from '../db.js';
import type { WorkspaceTransition } from '../../sdk/workspaces.js';

export interface WorkspaceResourceRow {
  id: string;
  job_id: string;
  transition: WorkspaceTransition;
  type: string;
  name: string;
  hide: boolean;
  icon: string;
  instance_type: string | null;
  daily_cost: number;
  created_at: Date;
}

export interface WorkspaceResourceMetadataRow {
  workspace_resource_id: string;
  key: string;
  value: string | null;
  sensitive: boolean;
}

export interface WorkspaceAgentRow {
  id: string;
  resource_id: string;
  name: string;
  auth_instance_id: string | null;
  architecture: string;
  operating_system: string;
  environment_variables: Record<string, string>;
  directory: string;
  expanded_directory: string;
  version: string;
  api_version: string;
  first_connected_at: Date | null;
  last_connected_at: Date | null;
  disconnected_at: Date | null;
  connection_timeout_seconds: number;
  troubleshooting_url: string;
  lifecycle_state: string;
  started_at: Date | null;
  ready_at: Date | null;
  logs_length: number;
  logs_overflowed: boolean;
  subsystems: string[];
  display_apps: string[];
  created_at: Date;
  updated_at: Date;
}

export interface WorkspaceAppRow {
  id: string;
  agent_id: string;
  slug: string;
  display_name: string;
  icon: string;
  command: string | null;
  url: string | null;
  external: boolean;
  subdomain: boolean;
  sharing_level: 'owner' | 'authenticated' | 'public';
  healthcheck_url: string;
  healthcheck_interval: number;
  healthcheck_threshold: number;
  health: 'disabled' | 'initializing' | 'healthy' | 'unhealthy';
  hidden: boolean;
  open_in: string;
  display_group: string | null;
}

export interface WorkspaceResourceQueries {
  insertWorkspaceResource(p: Omit<WorkspaceResourceRow, 'created_at'>): Promise<WorkspaceResourceRow>;
  insertWorkspaceResourceMetadata(
    resourceId: string,
    items: { key: string; value: string | null; sensitive: boolean }[],
  ): Promise<void>;
  insertWorkspaceAgent(
    p: Pick<
      WorkspaceAgentRow,
      | 'id'
      | 'resource_id'
      | 'name'
      | 'auth_instance_id'
      | 'architecture'
      | 'operating_system'
      | 'environment_variables'
      | 'directory'
      | 'connection_timeout_seconds'
      | 'troubleshooting_url'
      | 'display_apps'
    > & { auth_token: string; motd_file: string; display_order: number },
  ): Promise<void>;
  insertWorkspaceApp(p: Omit<WorkspaceAppRow, 'health'> & { display_order: number }): Promise<void>;
  listWorkspaceResourcesByJobIds(jobIds: string[]): Promise<WorkspaceResourceRow[]>;
  listWorkspaceResourceMetadata(resourceIds: string[]): Promise<WorkspaceResourceMetadataRow[]>;
  listWorkspaceAgentsByResourceIds(resourceIds: string[]): Promise<WorkspaceAgentRow[]>;
  listWorkspaceAppsByAgentIds(agentIds: string[]): Promise<WorkspaceAppRow[]>;
}

export function workspaceResourceQueries(db: Queryable): WorkspaceResourceQueries {
  return {
    async insertWorkspaceResource(p) {
      return (await one<WorkspaceResourceRow>(
        db,
        `INSERT INTO workspace_resources (id, job_id, transition, type, name, hide, icon, instance_type, daily_cost)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [p.id, p.job_id, p.transition, p.type, p.name, p.hide, p.icon, p.instance_type, p.daily_cost],
      ))!;
    },
    async insertWorkspaceResourceMetadata(resourceId, items) {
      for (const [i, m] of items.entries()) {
        await db.query(
          `INSERT INTO workspace_resource_metadata (workspace_resource_id, key, value, sensitive, display_order)
           VALUES ($1, $2, $3, $4, $5)`,
          [resourceId, m.key, m.value, m.sensitive, i],
        );
      }
    },
    async insertWorkspaceAgent(p) {
      await db.query(
        `INSERT INTO workspace_agents (id, resource_id, name, auth_token, auth_instance_id, architecture,
           operating_system, environment_variables, directory, connection_timeout_seconds,
           troubleshooting_url, motd_file, display_apps, display_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          p.id,
          p.resource_id,
          p.name,
          p.auth_token,
          p.auth_instance_id,
          p.architecture,
          p.operating_system,
          JSON.stringify(p.environment_variables),
          p.directory,
          p.connection_timeout_seconds,
          p.troubleshooting_url,
          p.motd_file,
          p.display_apps,
          p.display_order,
        ],
      );
    },
    async insertWorkspaceApp(p) {
      await db.query(
        `INSERT INTO workspace_apps (id, agent_id, slug, display_name, icon, command, url, external, subdomain,
           sharing_level, healthcheck_url, healthcheck_interval, healthcheck_threshold, health, hidden,
           open_in, display_group, display_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
           CASE WHEN $11 = '' THEN 'disabled' ELSE 'initializing' END::workspace_app_health, $14, $15, $16, $17)`,
        [
          p.id,
          p.agent_id,
          p.slug,
          p.display_name,
          p.icon,
          p.command,
          p.url,
          p.external,
          p.subdomain,
          p.sharing_level,
          p.healthcheck_url,
          p.healthcheck_interval,
          p.healthcheck_threshold,
          p.hidden,
          p.open_in,
          p.display_group,
          p.display_order,
        ],
      );
    },
    listWorkspaceResourcesByJobIds: (jobIds) =>
      many(db, `SELECT * FROM workspace_resources WHERE job_id = ANY($1) ORDER BY created_at, name`, [
        jobIds,
      ]),
    listWorkspaceResourceMetadata: (ids) =>
      many(
        db,
        `SELECT * FROM workspace_resource_metadata WHERE workspace_resource_id = ANY($1) ORDER BY display_order`,
        [ids],
      ),
    listWorkspaceAgentsByResourceIds: (ids) =>
      many(db, `SELECT * FROM workspace_agents WHERE resource_id = ANY($1) ORDER BY display_order, name`, [
        ids,
      ]),
    listWorkspaceAppsByAgentIds: (ids) =>
      many(db, `SELECT * FROM workspace_apps WHERE agent_id = ANY($1) ORDER BY display_order, slug`, [ids]),
  };
}
