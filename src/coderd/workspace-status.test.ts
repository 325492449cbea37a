import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProvisionerJobStatus } from '../sdk/provisioner-jobs.js';
import type { WorkspaceStatus, WorkspaceTransition } from '../sdk/workspaces.js';
import { jobIsActive, workspaceStatus } from './workspace-status.js';

test('workspace status = latest build transition × job status (Coder §2.2)', () => {
  const table: Record<ProvisionerJobStatus, Record<WorkspaceTransition, WorkspaceStatus>> = {
    pending: { start: 'pending', stop: 'pending', delete: 'pending' },
    running: { start: 'starting', stop: 'stopping', delete: 'deleting' },
    succeeded: { start: 'running', stop: 'stopped', delete: 'deleted' },
    canceling: { start: 'canceling', stop: 'canceling', delete: 'canceling' },
    canceled: { start: 'canceled', stop: 'canceled', delete: 'canceled' },
    failed: { start: 'failed', stop: 'failed', delete: 'failed' },
  };
  for (const [job, row] of Object.entries(table)) {
    for (const [transition, want] of Object.entries(row)) {
      assert.equal(
        workspaceStatus(job as ProvisionerJobStatus, transition as WorkspaceTransition),
        want,
        `${job} × ${transition}`,
      );
    }
  }
});

test('only pending, running and canceling jobs block a new build', () => {
  const active = (['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed'] as const).filter(
    jobIsActive,
  );
  assert.deepEqual(active, ['pending', 'running', 'canceling']);
});
