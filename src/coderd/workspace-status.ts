/** A workspace's status, derived from its latest build (coder-behaviour.md §2.2, Coder's convertWorkspaceStatus). */
import type { ProvisionerJobStatus } from '../sdk/provisioner-jobs.js';
import type { WorkspaceStatus, WorkspaceTransition } from '../sdk/workspaces.js';

const whileRunning: Record<WorkspaceTransition, WorkspaceStatus> = {
  start: 'starting',
  stop: 'stopping',
  delete: 'deleting',
};
const whenDone: Record<WorkspaceTransition, WorkspaceStatus> = {
  start: 'running',
  stop: 'stopped',
  delete: 'deleted',
};

export function workspaceStatus(job: ProvisionerJobStatus, transition: WorkspaceTransition): WorkspaceStatus {
  switch (job) {
    case 'pending':
      return 'pending';
    case 'running':
      return whileRunning[transition];
    case 'succeeded':
      return whenDone[transition];
    case 'canceling':
      return 'canceling';
    case 'canceled':
      return 'canceled';
    case 'failed':
      return 'failed';
  }
}

/** A job still holds the workspace while it is queued, running or being canceled. */
export function jobIsActive(job: ProvisionerJobStatus): boolean {
  return job === 'pending' || job === 'running' || job === 'canceling';
}
