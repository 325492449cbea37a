/**
 * Policies for provisioner jobs, logs, daemons and keys. The daemon-facing calls (acquire,
 * heartbeat, complete, fail, register) are for the provisionerd system actor only; the reaper
 * runs as the background actor. Users read jobs in their organizations by role.
 */
import { NotFound } from '../../sdk/errors.js';
import { check, readMany, readOne, systemOnly, write, type Policies } from './policy.js';
import type { AuthzObject } from './rbac.js';
import type { ProvisionerDaemonRow, ProvisionerJobRow, ProvisionerKeyRow } from '../models.js';

type ProvisionerPolicies = Pick<
  Policies,
  | 'insertProvisionerJob'
  | 'acquireProvisionerJob'
  | 'getProvisionerJobById'
  | 'listProvisionerJobsByOrganization'
  | 'heartbeatProvisionerJob'
  | 'completeProvisionerJob'
  | 'failProvisionerJob'
  | 'cancelProvisionerJob'
  | 'tryLockJobReaper'
  | 'listHungProvisionerJobs'
  | 'insertProvisionerJobLogs'
  | 'listProvisionerJobLogsAfter'
  | 'upsertProvisionerDaemon'
  | 'touchProvisionerDaemon'
  | 'listProvisionerDaemonsByOrganization'
  | 'insertProvisionerKey'
  | 'getProvisionerKeyById'
  | 'getProvisionerKeyByName'
  | 'listProvisionerKeysByOrganization'
  | 'deleteProvisionerKey'
>;

// A job is owned by its initiator, so members can follow the builds they started. Template
// imports and dry-runs are guarded like the organization's templates (Coder authorizes them
// through their template version): whoever reads the templates reads their jobs and logs.
const jobObject = (
  j: Pick<ProvisionerJobRow, 'id' | 'organization_id' | 'initiator_id' | 'type'>,
): AuthzObject =>
  j.type === 'workspace_build'
    ? { type: 'provisioner_job', id: j.id, orgId: j.organization_id, ownerId: j.initiator_id }
    : { type: 'template', orgId: j.organization_id };
const daemonObject = (d: ProvisionerDaemonRow): AuthzObject => ({
  type: 'provisioner_daemon',
  id: d.id,
  orgId: d.organization_id,
});
const keyObject = (k: ProvisionerKeyRow): AuthzObject => ({
  type: 'provisioner_key',
  id: k.id,
  orgId: k.organization_id,
});

export const provisionerPolicies: ProvisionerPolicies = {
  insertProvisionerJob: write(
    'create',
    (p) => ({ type: 'provisioner_job', orgId: p.organization_id, ownerId: p.initiator_id }),
    'Provisioner job',
  ),
  acquireProvisionerJob: systemOnly(),
  getProvisionerJobById: readOne(jobObject),
  listProvisionerJobsByOrganization: readMany(jobObject),
  heartbeatProvisionerJob: systemOnly(),
  completeProvisionerJob: systemOnly(),
  failProvisionerJob: systemOnly(),
  async cancelProvisionerJob({ actor, inner, call }, id) {
    const job = await inner.getProvisionerJobById(id);
    if (!job) throw new NotFound('Provisioner job not found.');
    check(actor, 'update', jobObject(job), 'Provisioner job');
    return call();
  },
  tryLockJobReaper: systemOnly(),
  listHungProvisionerJobs: systemOnly(),
  insertProvisionerJobLogs: systemOnly(),
  async listProvisionerJobLogsAfter({ actor, inner, call }, jobId) {
    const job = await inner.getProvisionerJobById(jobId);
    if (!job) throw new NotFound('Provisioner job not found.');
    check(actor, 'read', jobObject(job), 'Provisioner job');
    return call();
  },
  upsertProvisionerDaemon: systemOnly(),
  touchProvisionerDaemon: systemOnly(),
  listProvisionerDaemonsByOrganization: readMany(daemonObject),
  insertProvisionerKey: write(
    'create',
    (p) => ({ type: 'provisioner_key', orgId: p.organization_id }),
    'Provisioner key',
  ),
  getProvisionerKeyById: readOne(keyObject),
  getProvisionerKeyByName: readOne(keyObject),
  listProvisionerKeysByOrganization: readMany(keyObject),
  async deleteProvisionerKey({ actor, inner, call }, id) {
    const key = await inner.getProvisionerKeyById(id);
    if (!key) throw new NotFound('Provisioner key not found.');
    check(actor, 'delete', keyObject(key), 'Provisioner key');
    return call();
  },
};
