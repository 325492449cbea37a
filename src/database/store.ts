/**
 * The data-access contract. src/coderd only ever receives a Store wrapped by ./authz, so every
 * read and write is authorized in one place with the actor of the current request.
 */
import type pg from 'pg';
import { mapPgError } from './pg-errors.js';
import { cachedOrganizationLookups } from './organization-cache.js';
import { apiKeyQueries, type APIKeyQueries } from './queries/api-keys.js';
import { organizationQueries, type OrganizationQueries } from './queries/organizations.js';
import { siteConfigQueries, type SiteConfigQueries } from './queries/site-configs.js';
import { userQueries, type UserQueries } from './queries/users.js';
import { provisionerJobQueries, type ProvisionerJobQueries } from './queries/provisioner-jobs.js';
import { provisionerJobLogQueries, type ProvisionerJobLogQueries } from './queries/provisioner-job-logs.js';
import { provisionerDaemonQueries, type ProvisionerDaemonQueries } from './queries/provisioner-daemons.js';
import { fileQueries, type FileQueries } from './queries/files.js';
import { templateQueries, type TemplateQueries } from './queries/templates.js';
import { templateVersionQueries, type TemplateVersionQueries } from './queries/template-versions.js';
import { workspaceQueries, type WorkspaceQueries } from './queries/workspaces.js';
import { workspaceBuildQueries, type WorkspaceBuildQueries } from './queries/workspace-builds.js';
import { workspaceResourceQueries, type WorkspaceResourceQueries } from './queries/workspace-resources.js';
import { workspaceAgentQueries, type WorkspaceAgentQueries } from './queries/workspace-agents.js';
import { workspaceAppQueries, type WorkspaceAppQueries } from './queries/workspace-apps.js';
import { workspaceAgentLogQueries, type WorkspaceAgentLogQueries } from './queries/workspace-agent-logs.js';
import { replicaQueries, type ReplicaQueries } from './queries/replicas.js';
import { lifecycleQueries, type LifecycleQueries } from './queries/lifecycle.js';
import type { Queryable } from './db.js';

export type Queries = UserQueries &
  OrganizationQueries &
  APIKeyQueries &
  SiteConfigQueries &
  ProvisionerJobQueries &
  ProvisionerJobLogQueries &
  ProvisionerDaemonQueries &
  FileQueries &
  TemplateQueries &
  TemplateVersionQueries &
  WorkspaceQueries &
  WorkspaceBuildQueries &
  WorkspaceResourceQueries &
  WorkspaceAgentQueries &
  WorkspaceAppQueries &
  WorkspaceAgentLogQueries &
  ReplicaQueries &
  LifecycleQueries;

export interface Store extends Queries {
  /** Runs `fn` in one transaction; everything it does commits together or not at all. Nested calls join. */
  inTx<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
}

function queriesFor(db: Queryable): Queries {
  const all = {
    ...userQueries(db),
    ...organizationQueries(db),
    ...apiKeyQueries(db),
    ...siteConfigQueries(db),
    ...provisionerJobQueries(db),
    ...provisionerJobLogQueries(db),
    ...provisionerDaemonQueries(db),
    ...fileQueries(db),
    ...templateQueries(db),
    ...templateVersionQueries(db),
    ...workspaceQueries(db),
    ...workspaceBuildQueries(db),
    ...workspaceResourceQueries(db),
    ...workspaceAgentQueries(db),
    ...workspaceAppQueries(db),
    ...workspaceAgentLogQueries(db),
    ...replicaQueries(db),
    ...lifecycleQueries(db),
  };
  // Map PostgreSQL errors users can cause (unique violations) into domain errors in one place.
  for (const [name, fn] of Object.entries(all)) {
    (all as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (err) {
        throw mapPgError(err);
      }
    };
  }
  return all;
}

export function pgStore(pool: pg.Pool): Store {
  const queries = queriesFor(pool);
  // A transaction's store is built once per pooled connection, not once per transaction: building
  // one wraps every query and showed up in CPU profiles of the job queue.
  const txStores = new WeakMap<pg.PoolClient, Store>();
  const txStore = (client: pg.PoolClient): Store => {
    let tx = txStores.get(client);
    if (!tx) {
      const store: Store = { ...queriesFor(client), inTx: (inner) => inner(store) };
      txStores.set(client, (tx = store));
    }
    return tx;
  };
  // Outside transactions only: a transaction reads organizations on its own snapshot.
  const { getOrganizationById, getOrganizationByName } = cachedOrganizationLookups(queries);
  return {
    ...queries,
    getOrganizationById,
    getOrganizationByName,
    async inTx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx = txStore(client);
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
