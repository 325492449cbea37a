/** Deployment health for admins: database, build info, provisioner daemons and the job queue. */
import { useState } from 'react';
import type { ProvisionerJobStatus } from '../../../src/sdk/provisioner-jobs.js';
import { api } from '../api/client.js';
import { useMe } from '../auth.js';
import { Empty, ErrorAlert, Loading } from '../components/feedback.js';
import { PageHeader, useTitle } from '../components/layout.js';
import { JobStatusPill } from '../components/status.js';
import { RelativeTime } from '../components/time.js';
import { useAction, useApi } from '../hooks/use-api.js';

const refreshMs = 10_000;

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
          {h && (
            <span className={`pill pill-${h.healthy ? 'ok' : 'bad'}`}>
              <span className="pill-dot" aria-hidden="true" />
              {h.healthy ? 'Healthy' : 'Unhealthy'}
            </span>
          )}
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
        <div className="table-scroll">
          <table className="table" aria-label="Provisioner daemons">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Provisioners</th>
                <th>Tags</th>
                <th>Last seen</th>
                <th>Version</th>
              </tr>
            </thead>
            <tbody>
              {daemons.data.map((d) => (
                <tr key={d.id} data-daemon={d.name}>
                  <td>{d.name}</td>
                  <td>
                    <span
                      className={`pill pill-${d.status === 'offline' ? 'bad' : d.status === 'busy' ? 'busy' : 'ok'}`}
                    >
                      <span className="pill-dot" aria-hidden="true" />
                      {d.status}
                    </span>
                  </td>
                  <td>{d.provisioners.join(', ')}</td>
                  <td>
                    <Tags tags={d.tags} />
                  </td>
                  <td>
                    <RelativeTime iso={d.last_seen_at} />
                  </td>
                  <td>{d.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
        <div className="table-scroll">
          <table className="table" aria-label="Provisioner jobs">
            <thead>
              <tr>
                <th>Type</th>
                <th>Status</th>
                <th>Queue</th>
                <th>Daemon</th>
                <th>Tags</th>
                <th>Created</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((j) => (
                <tr key={j.id}>
                  <td>{j.type.replaceAll('_', ' ')}</td>
                  <td>
                    <JobStatusPill status={j.status} />
                  </td>
                  <td>{j.queue_position > 0 ? `${j.queue_position} of ${j.queue_size}` : '—'}</td>
                  <td>{j.worker_name ?? '—'}</td>
                  <td>
                    <Tags tags={j.tags} />
                  </td>
                  <td>
                    <RelativeTime iso={j.created_at} />
                  </td>
                  <td>
                    <div className="row-actions">
                      {(j.status === 'pending' || j.status === 'running') && (
                        <button
                          type="button"
                          className="btn btn-small"
                          disabled={cancel.busy}
                          onClick={() =>
                            void cancel
                              .run(() => api.provisioners.cancelJob(org, j.id))
                              .then(() => jobs.reload())
                          }
                        >
                          Cancel
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
