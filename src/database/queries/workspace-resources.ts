/**
 * SQL for what jobs provisioned: resources, their metadata, agents, apps, scripts, log sources and
 * agent metadata definitions. Everything is read by job ids, so a build, a template import or a
 * dry-run list their resources the same way, and authorization follows the job (see
 * authz/workspace-resource-policies.ts).
 */
import { insertMany, many, type Queryable } from '../db.js';
import type {
  WorkspaceAgentLogSourceRow,
  WorkspaceAgentMetadataRow,
  WorkspaceAgentRow,
  WorkspaceAgentScriptRow,
  WorkspaceAppRow,
  WorkspaceResourceMetadataRow,
  WorkspaceResourceRow,
} from '../models.js';
import type { ProvisionerJobType } from '../../sdk/provisioner-jobs.js';

/** Who a job's resources belong to, for authorization. */
export interface JobAuthzTargetRow {
  job_id: string;
  type: ProvisionerJobType;
  organization_id: string;
  initiator_id: string;
  /** Set for workspace builds. */
  workspace_id: string | null;
  workspace_owner_id: string | null;
}

export interface ProvisionedRows {
  resources: WorkspaceResourceRow[];
  metadata: WorkspaceResourceMetadataRow[];
  agents: WorkspaceAgentRow[];
  apps: WorkspaceAppRow[];
  logSources: WorkspaceAgentLogSourceRow[];
  scripts: WorkspaceAgentScriptRow[];
  agentMetadata: WorkspaceAgentMetadataRow[];
}

/** Everything listed under some jobs' resources, as one read (one authorization check). */
export interface JobResourceRows {
  resources: WorkspaceResourceRow[];
  metadata: WorkspaceResourceMetadataRow[];
  agents: (WorkspaceAgentRow & { job_id: string })[];
  apps: WorkspaceAppRow[];
  scripts: WorkspaceAgentScriptRow[];
  logSources: WorkspaceAgentLogSourceRow[];
}

export interface WorkspaceResourceQueries {
  /** Inserts a job's resources and everything under them (one statement per table). */
  insertProvisionedRows(rows: ProvisionedRows): Promise<void>;
  listWorkspaceResourcesByJobIds(jobIds: string[]): Promise<WorkspaceResourceRow[]>;
  listWorkspaceResourceMetadataByJobIds(jobIds: string[]): Promise<WorkspaceResourceMetadataRow[]>;
  listWorkspaceAgentsByJobIds(jobIds: string[]): Promise<(WorkspaceAgentRow & { job_id: string })[]>;
  listWorkspaceAppsByJobIds(jobIds: string[]): Promise<WorkspaceAppRow[]>;
  listWorkspaceAgentScriptsByJobIds(jobIds: string[]): Promise<WorkspaceAgentScriptRow[]>;
  listWorkspaceAgentLogSourcesByJobIds(jobIds: string[]): Promise<WorkspaceAgentLogSourceRow[]>;
  /** The six lists above at once (the queries run side by side). */
  listJobResourceRows(jobIds: string[]): Promise<JobResourceRows>;
  getJobAuthzTargets(jobIds: string[]): Promise<JobAuthzTargetRow[]>;
}

const byJobs = (table: string, join: string) =>
  `SELECT t.* FROM ${table} t ${join} WHERE r.job_id = ANY($1::uuid[])`;
const agentJoin =
  'JOIN workspace_agents a ON a.id = t.workspace_agent_id JOIN workspace_resources r ON r.id = a.resource_id';

export function workspaceResourceQueries(db: Queryable): WorkspaceResourceQueries {
  const q: WorkspaceResourceQueries = {
    async insertProvisionedRows(rows) {
      // Parents before children: the foreign keys are checked per statement.
      await insertMany(db, 'workspace_resources', rows.resources);
      await insertMany(db, 'workspace_resource_metadata', rows.metadata);
      await insertMany(db, 'workspace_agents', rows.agents);
      await insertMany(db, 'workspace_apps', rows.apps);
      await insertMany(db, 'workspace_agent_log_sources', rows.logSources);
      await insertMany(db, 'workspace_agent_scripts', rows.scripts);
      await insertMany(db, 'workspace_agent_metadata', rows.agentMetadata);
    },
    listWorkspaceResourcesByJobIds(jobIds) {
      return many(
        db,
        'SELECT * FROM workspace_resources WHERE job_id = ANY($1::uuid[]) ORDER BY created_at, type, name',
        [jobIds],
      );
    },
    listWorkspaceResourceMetadataByJobIds(jobIds) {
      return many(
        db,
        `${byJobs('workspace_resource_metadata', 'JOIN workspace_resources r ON r.id = t.workspace_resource_id')} ORDER BY t.display_order, t.key`,
        [jobIds],
      );
    },
    listWorkspaceAgentsByJobIds(jobIds) {
      return many(
        db,
        `SELECT t.*, r.job_id FROM workspace_agents t JOIN workspace_resources r ON r.id = t.resource_id
         WHERE r.job_id = ANY($1::uuid[]) ORDER BY t.display_order, t.name`,
        [jobIds],
      );
    },
    listWorkspaceAppsByJobIds(jobIds) {
      return many(
        db,
        `SELECT t.* FROM workspace_apps t JOIN workspace_agents a ON a.id = t.agent_id
         JOIN workspace_resources r ON r.id = a.resource_id
         WHERE r.job_id = ANY($1::uuid[]) ORDER BY t.display_order, t.slug`,
        [jobIds],
      );
    },
    listWorkspaceAgentScriptsByJobIds(jobIds) {
      return many(db, `${byJobs('workspace_agent_scripts', agentJoin)} ORDER BY t.created_at, t.id`, [
        jobIds,
      ]);
    },
    listWorkspaceAgentLogSourcesByJobIds(jobIds) {
      return many(db, `${byJobs('workspace_agent_log_sources', agentJoin)} ORDER BY t.created_at, t.id`, [
        jobIds,
      ]);
    },
    getJobAuthzTargets(jobIds) {
      return many(
        db,
        `SELECT j.id AS job_id, j.type, j.organization_id, j.initiator_id,
                w.id AS workspace_id, w.owner_id AS workspace_owner_id
           FROM provisioner_jobs j
           LEFT JOIN workspace_builds b ON b.job_id = j.id
           LEFT JOIN workspaces w ON w.id = b.workspace_id
          WHERE j.id = ANY($1::uuid[])`,
        [jobIds],
      );
    },
    async listJobResourceRows(jobIds) {
      const [resources, metadata, agents, apps, scripts, logSources] = await Promise.all([
        q.listWorkspaceResourcesByJobIds(jobIds),
        q.listWorkspaceResourceMetadataByJobIds(jobIds),
        q.listWorkspaceAgentsByJobIds(jobIds),
        q.listWorkspaceAppsByJobIds(jobIds),
        q.listWorkspaceAgentScriptsByJobIds(jobIds),
        q.listWorkspaceAgentLogSourcesByJobIds(jobIds),
      ]);
      return { resources, metadata, agents, apps, scripts, logSources };
    },
  };
  return q;
}
