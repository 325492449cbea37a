/** A build's log (streamed while its job runs) and the workspace's build history. */
import { useEffect, useState } from 'react';
import type { ProvisionerJobLog } from '../../../src/sdk/provisioner-jobs.js';
import type { WorkspaceBuild } from '../../../src/sdk/workspaces.js';
import { api } from '../api/client.js';
import { openJsonSocket } from '../api/streams.js';
import { DataTable } from '../components/data-table.js';
import { ErrorAlert, Loading } from '../components/feedback.js';
import { jobLogLines, LogViewer } from '../components/log-viewer.js';
import { JobStatusPill, WorkspaceStatusPill } from '../components/status.js';
import { RelativeTime } from '../components/time.js';
import { duration } from '../lib/format.js';
import { Link } from '../router.js';

const jobActive = (b: WorkspaceBuild) => !b.job.completed_at;

/**
 * The logs of one provisioner job: the stored lines, then the live stream until the job ends.
 * Reconnects resume after the last line seen (the stream's ids only grow).
 */
export function useJobLogs(
  jobKey: string | undefined,
  active: boolean,
  fetchLogs: (after: number) => Promise<ProvisionerJobLog[]>,
  followUrl: (after: number) => URL,
) {
  const [logs, setLogs] = useState<ProvisionerJobLog[]>([]);
  const [error, setError] = useState<Error>();
  const [streaming, setStreaming] = useState(false);
  useEffect(() => {
    setLogs([]);
    setError(undefined);
    if (!jobKey) return;
    let last = 0;
    let closed = false;
    let close: (() => void) | undefined;
    const add = (batch: ProvisionerJobLog[]) => {
      const fresh = batch.filter((l) => l.id > last);
      if (fresh.length === 0) return;
      last = fresh[fresh.length - 1]!.id;
      setLogs((old) => [...old, ...fresh]);
    };
    if (!active) {
      fetchLogs(0).then(add, (err: Error) => !closed && setError(err));
    } else {
      const open = (attempt: number) => {
        setStreaming(true);
        close = openJsonSocket<ProvisionerJobLog>(followUrl(last), {
          message: (l) => add([l]),
          end: () => setStreaming(false),
          error: () => {
            // The job may have ended while we were away: one catch-up read, then a retry.
            if (closed) return;
            setStreaming(false);
            fetchLogs(last).then(add, () => {});
            if (attempt < 5) setTimeout(() => !closed && open(attempt + 1), 1000 * (attempt + 1));
          },
        });
      };
      open(0);
    }
    return () => {
      closed = true;
      close?.();
      setStreaming(false);
    };
    // Only a new job restarts this: `active` turning false just means the stream ended.
  }, [jobKey]);
  return { logs, error, streaming };
}

export function BuildLog({ build }: { build: WorkspaceBuild }) {
  const { logs, error, streaming } = useJobLogs(
    build.id,
    jobActive(build),
    (after) => api.workspaces.buildLogs(build.id, after),
    (after) => api.workspaces.followBuildLogsUrl(build.id, after),
  );
  const started = build.job.started_at ? Date.parse(build.job.started_at) : undefined;
  const ended = build.job.completed_at ? Date.parse(build.job.completed_at) : undefined;
  return (
    <section className="card" aria-labelledby="build-log-heading">
      <div className="card-header">
        <h2 id="build-log-heading">
          Build #{build.build_number} · {build.transition}
        </h2>
        <JobStatusPill status={build.job.status} />
        {started !== undefined && ended !== undefined && (
          <span className="muted small">took {duration(ended - started)}</span>
        )}
        {streaming && (
          <span className="live" aria-live="polite">
            live
          </span>
        )}
        {build.job.status === 'pending' && build.job.queue_position > 0 && (
          <span className="muted small">
            queued: {build.job.queue_position} of {build.job.queue_size}
          </span>
        )}
      </div>
      {build.job.error && (
        <div className="alert alert-error" role="alert">
          <p className="alert-message">{build.job.error}</p>
        </div>
      )}
      <ErrorAlert error={error} />
      <LogViewer
        label={`Log of build ${build.build_number}`}
        empty={jobActive(build) ? 'Waiting for the provisioner…' : 'This build wrote no log.'}
        lines={jobLogLines(logs)}
      />
    </section>
  );
}

export function BuildHistory({
  builds,
  selected,
  hrefOf,
}: {
  builds: WorkspaceBuild[] | undefined;
  selected: number;
  hrefOf(b: WorkspaceBuild): string;
}) {
  if (!builds) return <Loading label="Loading builds…" />;
  return (
    <DataTable
      label="Build history"
      rows={builds}
      rowKey={(b) => b.id}
      rowProps={(b) => (b.build_number === selected ? { className: 'selected' } : {})}
      columns={[
        {
          header: 'Build',
          cell: (b) => (
            <Link to={hrefOf(b)} aria-current={b.build_number === selected ? 'true' : undefined}>
              #{b.build_number}
            </Link>
          ),
        },
        { header: 'Action', cell: (b) => b.transition },
        { header: 'Result', cell: (b) => <WorkspaceStatusPill status={b.status} /> },
        { header: 'By', cell: (b) => b.initiator_name },
        { header: 'When', cell: (b) => <RelativeTime iso={b.created_at} /> },
        {
          header: 'Duration',
          cell: (b) =>
            b.job.started_at && b.job.completed_at
              ? duration(Date.parse(b.job.completed_at) - Date.parse(b.job.started_at))
              : '—',
        },
      ]}
    />
  );
}
