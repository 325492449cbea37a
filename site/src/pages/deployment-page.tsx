/** Deployment health for admins: database, build info, provisioner daemons and the job queue. */
import { useState } from 'react';
import type { ProvisionerDaemonStatus } from '../../../src/sdk/provisioner-daemons.js';
import type { ProvisionerJobStatus } from '../../../src/sdk/provisioner-jobs.js';
import { api } from '../api/client.js';
import { useMe } from '../auth.js';
import { DataTable } from '../components/data-table.js';
import { Empty, ErrorAlert, Loading } from '../components/feedback.js';
import { PageHeader, useTitle } from '../components/layout.js';
import { JobStatusPill, Pill, type Tone } from '../components/status.js';
import { RelativeTime } from '../components/time.js';
import { useAction, useApi } from '../hooks/use-api.js';

const refreshMs = 10_000;

const daemonTones: Record<ProvisionerDaemonStatus, Tone> = { offline: 'bad', busy: 'busy', idle: 'ok' };

function Tags({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {entries.map(([k, v]) => (
        <span key={k} className="tag">
          {k}={v}
        </span>
      ))}
    </>
  );
}

function Health() {
  const health = useApi(() => api.health(), [], { intervalMs: refreshMs });
  const info = useApi(() => api.buildInfo(), []);
  const h = health.data;
  return (
    <div className="grid-2">
      <section className="card" aria-labelledby="health-heading">
        <div className="card-header">
          <h2 id="health-heading">Health</h2>
          {h && <Pill tone={h.healthy ? 'ok' : 'bad'} label={h.healthy ? 'Healthy' : 'Unhealthy'} />}
        </div>
        <ErrorAlert error={health.error} />
        {!h ? (
          !health.error && <Loading />
        ) : (
          <dl className="kv">
            <div>
              <dt>Database</dt>
              <dd data-health="database">
                {h.database.reachable
                  ? 'Reachable'
                  : `Unreachable${h.database.error ? `: ${h.database.error}` : ''}`}
              </dd>
            </div>
            <div>
              <dt>Database latency</dt>
              <dd>{h.database.latency}</dd>
            </div>
            <div>
              <dt>Checked</dt>
              <dd>
                <RelativeTime iso={h.time} />
              </dd>
            </div>
          </dl>
        )}
      </section>
      <section className="card" aria-labelledby="build-heading">
        <h2 id="build-heading">Build</h2>
        {info.data && (
          <dl className="kv">
            <div>
              <dt>Version</dt>
              <dd>{info.data.version}</dd>
            </div>
            <div>
              <dt>Access URL</dt>
              <dd>{info.data.dashboard_url}</dd>
            </div>
            <div>
              <dt>Deployment ID</dt>
              <dd>
                <code>{info.data.deployment_id}</code>
              </dd>
            </div>
            <div>
              <dt>Agent API</dt>
              <dd>{info.data.agent_api_version}</dd>
            </div>
            <div>
              <dt>Provisioner API</dt>
              <dd>{info.data.provisioner_api_version}</dd>
            </div>
          </dl>
        )}
      </section>
    </div>
  );
}

function Daemons({ org }: { org: string }) {
  const daemons = useApi(() => api.provisioners.daemons(org), [org], { intervalMs: refreshMs });
  return (
    <section className="card" aria-labelledby="daemons-heading">
      <h2 id="daemons-heading">Provisioner daemons</h2>
      <ErrorAlert error={daemons.error} />
      {!daemons.data ? (
        !daemons.error && <Loading />
      ) : daemons.data.length === 0 ? (
        <Empty title="No provisioner daemons">
          <p>
            Builds wait until a daemon connects: start the server with built-in daemons or run{' '}
            <code>hangar provisioner start</code>.
          </p>
        </Empty>
      ) : (
        <DataTable
          label="Provisioner daemons"
          rows={daemons.data}
          rowKey={(d) => d.id}
          rowProps={(d) => ({ 'data-daemon': d.name })}
          columns={[
            { header: 'Name', cell: (d) => d.name },
            { header: 'Status', cell: (d) => <Pill tone={daemonTones[d.status]} label={d.status} /> },
            { header: 'Provisioners', cell: (d) => d.provisioners.join(', ') },
            { header: 'Tags', cell: (d) => <Tags tags={d.tags} /> },
            { header: 'Last seen', cell: (d) => <RelativeTime iso={d.last_seen_at} /> },
            { header: 'Version', cell: (d) => d.version },
          ]}
        />
      )}
    </section>
  );
}

const queued: ProvisionerJobStatus[] = ['pending', 'running', 'canceling'];

function Jobs({ org }: { org: string }) {
  const [all, setAll] = useState(false);
  const jobs = useApi(
    () => api.provisioners.jobs(org, { limit: 50, status: all ? undefined : queued }),
    [org, all],
    {
      intervalMs: refreshMs,
    },
  );
  const cancel = useAction();
  return (
    <section className="card" aria-labelledby="jobs-heading">
      <div className="card-header">
        <h2 id="jobs-heading">Provisioner jobs</h2>
        <label className="check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Show finished
          jobs
        </label>
      </div>
      <ErrorAlert error={jobs.error ?? cancel.error} />
      {!jobs.data ? (
        !jobs.error && <Loading />
      ) : jobs.data.length === 0 ? (
        <Empty title={all ? 'No jobs yet.' : 'The queue is empty.'} />
      ) : (
        <DataTable
          label="Provisioner jobs"
          rows={jobs.data}
          rowKey={(j) => j.id}
          columns={[
            { header: 'Type', cell: (j) => j.type.replaceAll('_', ' ') },
            { header: 'Status', cell: (j) => <JobStatusPill status={j.status} /> },
            {
              header: 'Queue',
              cell: (j) => (j.queue_position > 0 ? `${j.queue_position} of ${j.queue_size}` : '—'),
            },
            { header: 'Daemon', cell: (j) => j.worker_name ?? '—' },
            { header: 'Tags', cell: (j) => <Tags tags={j.tags} /> },
            { header: 'Created', cell: (j) => <RelativeTime iso={j.created_at} /> },
          ]}
          actions={(j) =>
            (j.status === 'pending' || j.status === 'running') && (
              <button
                type="button"
                className="btn btn-small"
                disabled={cancel.busy}
                onClick={() =>
                  void cancel.run(() => api.provisioners.cancelJob(org, j.id)).then(() => jobs.reload())
                }
              >
                Cancel
              </button>
            )
          }
        />
      )}
    </section>
  );
}

export function DeploymentPage() {
  useTitle('Deployment');
  const me = useMe();
  const org = me.organization_ids[0] ?? 'default';
  return (
    <>
      <PageHeader title="Deployment" subtitle="Refreshes every 10 seconds." />
      <Health />
      <Daemons org={org} />
      <Jobs org={org} />
    </>
  );
}
