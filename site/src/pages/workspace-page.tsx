/**
 * The workspace page: status, actions, resources and agents, parameters, the build log and the
 * build history. The workspace itself comes live from `GET /workspaces/{id}/watch` (SSE), so status,
 * agents and apps change on screen as the server sees them.
 */
import { useEffect, useState } from 'react';
import type { Workspace, WorkspaceBuild } from '../../../src/sdk/workspaces.js';
import { api } from '../api/client.js';
import { watchEvents } from '../api/streams.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Empty, ErrorAlert, Loading, Notice } from '../components/feedback.js';
import { PageHeader, useTitle } from '../components/layout.js';
import { WorkspaceStatusPill } from '../components/status.js';
import { RelativeTime } from '../components/time.js';
import { useAction, useApi } from '../hooks/use-api.js';
import { duration } from '../lib/format.js';
import { Link, useLocation } from '../router.js';
import { AgentCard } from './workspace-agent.js';
import { BuildHistory, BuildLog } from './workspace-builds.js';
import { workspaceHref } from './workspaces-page.js';

const busyStatuses = new Set(['pending', 'starting', 'stopping', 'deleting', 'canceling']);

/** Waits until a build's job has finished (for restart: stop, then start). */
async function waitForBuild(id: string): Promise<WorkspaceBuild> {
  for (;;) {
    const b = await api.workspaces.build(id);
    if (b.job.completed_at) return b;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function useLiveWorkspace(owner: string, name: string) {
  const state = useApi(() => api.workspaces.getByOwnerAndName(owner, name), [owner, name]);
  const id = state.data?.id;
  const { setData } = state;
  useEffect(() => {
    if (!id) return;
    return watchEvents<Workspace>(api.workspaces.watchUrl(id), (w) => setData(w));
  }, [id, setData]);
  return state;
}

function Actions({ workspace, onError }: { workspace: Workspace; onError(err: Error | undefined): void }) {
  const action = useAction();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [restarting, setRestarting] = useState(false);
  const build = workspace.latest_build;
  const status = build.status;
  const busy = busyStatuses.has(status) || action.busy || restarting;
  useEffect(() => onError(action.error), [action.error, onError]);
  const transition = (t: 'start' | 'stop' | 'delete', templateVersionId?: string) =>
    action.run(() =>
      api.workspaces.createBuild(workspace.id, {
        transition: t,
        reason: 'dashboard',
        ...(templateVersionId ? { template_version_id: templateVersionId } : {}),
      }),
    );
  const canStart = ['stopped', 'failed', 'canceled'].includes(status);
  const canStop = status === 'running' || (status === 'failed' && build.transition === 'start');
  return (
    <>
      {canStart && (
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          onClick={() => void transition('start')}
        >
          Start
        </button>
      )}
      {status === 'running' && (
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() =>
            void action.run(async () => {
              setRestarting(true);
              try {
                const stop = await api.workspaces.createBuild(workspace.id, {
                  transition: 'stop',
                  reason: 'dashboard',
                });
                const done = await waitForBuild(stop.id);
                if (done.job.status !== 'succeeded')
                  throw new Error(`The stop build ${done.job.status}; not starting again.`);
                await api.workspaces.createBuild(workspace.id, { transition: 'start', reason: 'dashboard' });
              } finally {
                setRestarting(false);
              }
            })
          }
        >
          {restarting ? 'Restarting…' : 'Restart'}
        </button>
      )}
      {canStop && (
        <button type="button" className="btn" disabled={busy} onClick={() => void transition('stop')}>
          Stop
        </button>
      )}
      {workspace.outdated && status !== 'deleted' && (
        <button
          type="button"
          className="btn"
          disabled={busy}
          title="Rebuild on the template's active version"
          onClick={() => void transition('start', workspace.template_active_version_id)}
        >
          Update
        </button>
      )}
      {(status === 'pending' || status === 'starting' || status === 'stopping' || status === 'deleting') &&
        workspace.template_allow_user_cancel_workspace_jobs && (
          <button
            type="button"
            className="btn"
            disabled={action.busy}
            onClick={() => void action.run(() => api.workspaces.cancelBuild(build.id))}
          >
            Cancel build
          </button>
        )}
      {status !== 'deleted' && status !== 'deleting' && (
        <button
          type="button"
          className="btn btn-danger-outline"
          disabled={busy}
          onClick={() => setConfirmDelete(true)}
        >
          Delete…
        </button>
      )}
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${workspace.name}?`}
        confirmLabel="Delete workspace"
        typeToConfirm={workspace.name}
        danger
        busy={action.busy}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => {
          setConfirmDelete(false);
          void transition('delete');
        }}
      >
        <p>This destroys the workspace's resources, including anything stored in it. It cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}

function Parameters({ build }: { build: WorkspaceBuild }) {
  const params = useApi(() => api.workspaces.buildParameters(build.id), [build.id]);
  if (!params.data) return params.error ? <ErrorAlert error={params.error} /> : <Loading />;
  if (params.data.length === 0) return <p className="muted">No parameters.</p>;
  return (
    <dl className="kv">
      {params.data.map((p) => (
        <div key={p.name}>
          <dt>{p.name}</dt>
          <dd>
            <code>{p.value === '' ? '(empty)' : p.value}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function WorkspacePage({ owner, name }: { owner: string; name: string }) {
  useTitle(`${owner}/${name}`);
  const { search } = useLocation();
  const ws = useLiveWorkspace(owner, name);
  const [actionError, setActionError] = useState<Error>();
  const w = ws.data;
  const latest = w?.latest_build;
  const builds = useApi(() => (w ? api.workspaces.builds(w.id) : Promise.resolve(undefined)), [w?.id]);
  const reloadBuilds = builds.reload;
  // A new build, or one that finished, changes the history: re-read it without clearing the table.
  useEffect(() => void reloadBuilds(), [latest?.id, latest?.status, reloadBuilds]);
  if (ws.loading && !w) return <Loading label="Loading the workspace…" />;
  if (!w || !latest)
    return (
      <>
        <PageHeader title={name} subtitle={`owned by ${owner}`} />
        <ErrorAlert error={ws.error} />
        <Link to="/workspaces">Back to workspaces</Link>
      </>
    );
  const selectedNumber = Number(search.get('build') ?? latest.build_number);
  const selected =
    selectedNumber === latest.build_number
      ? latest
      : (builds.data?.find((b) => b.build_number === selectedNumber) ?? latest);
  const resources = latest.resources.filter((r) => !r.hide);
  const agentCount = resources.reduce((n, r) => n + r.agents.length, 0);
  const here = workspaceHref(w.owner_name, w.name);
  return (
    <>
      <PageHeader
        title={
          <>
            {w.name} <WorkspaceStatusPill status={latest.status} />
          </>
        }
        subtitle={
          <>
            <span>{w.owner_name}</span> · template{' '}
            <Link to={`/templates/${encodeURIComponent(w.template_name)}`}>
              {w.template_display_name || w.template_name}
            </Link>{' '}
            · last used <RelativeTime iso={w.last_used_at} />
            {w.outdated && <span className="tag tag-warn">outdated</span>}
          </>
        }
        actions={latest.status === 'deleted' ? undefined : <Actions workspace={w} onError={setActionError} />}
      />
      <ErrorAlert error={actionError} title="The action failed." />
      {latest.status === 'deleted' && (
        <Notice>
          This workspace was deleted. <Link to="/workspaces">Back to workspaces</Link>
        </Notice>
      )}
      {ws.error && <ErrorAlert error={ws.error} title="Live updates are interrupted; retrying." />}
      <div className="workspace-grid">
        <div className="workspace-main">
          <section className="card" aria-labelledby="resources-heading">
            <div className="card-header">
              <h2 id="resources-heading">Resources</h2>
            </div>
            {resources.length === 0 ? (
              <Empty
                title={
                  latest.status === 'running'
                    ? 'This build created no resources.'
                    : 'No resources while the workspace is not running.'
                }
              />
            ) : (
              resources.map((r) => (
                <div key={r.id} className="resource" data-resource={r.name}>
                  <div className="resource-header">
                    <strong>{r.name}</strong> <span className="muted">{r.type}</span>
                  </div>
                  {r.metadata.length > 0 && (
                    <dl className="kv">
                      {r.metadata.map((m) => (
                        <div key={m.key}>
                          <dt>{m.key}</dt>
                          <dd>
                            {m.sensitive ? (
                              <span className="muted">(sensitive)</span>
                            ) : (
                              <code>{m.value}</code>
                            )}
                          </dd>
                        </div>
                      ))}
                    </dl>
                  )}
                  {r.agents.map((a) => (
                    <AgentCard key={a.id} workspace={w} agent={a} agentCount={agentCount} />
                  ))}
                </div>
              ))
            )}
          </section>
          <BuildLog key={selected.id} build={selected} />
          <section className="card" aria-labelledby="history-heading">
            <div className="card-header">
              <h2 id="history-heading">Build history</h2>
            </div>
            {builds.error && <ErrorAlert error={builds.error} />}
            <BuildHistory
              builds={builds.data}
              selected={selected.build_number}
              hrefOf={(b) =>
                b.build_number === latest.build_number ? here : `${here}?build=${b.build_number}`
              }
            />
          </section>
        </div>
        <aside className="workspace-side">
          <section className="card" aria-labelledby="parameters-heading">
            <div className="card-header">
              <h2 id="parameters-heading">Parameters</h2>
            </div>
            <Parameters build={latest} />
          </section>
          <section className="card" aria-labelledby="details-heading">
            <h2 id="details-heading">Details</h2>
            <dl className="kv">
              <div>
                <dt>Owner</dt>
                <dd>{w.owner_name}</dd>
              </div>
              <div>
                <dt>Template</dt>
                <dd>{w.template_display_name || w.template_name}</dd>
              </div>
              <div>
                <dt>Version</dt>
                <dd>{latest.template_version_name}</dd>
              </div>
              <div>
                <dt>Created</dt>
                <dd>
                  <RelativeTime iso={w.created_at} />
                </dd>
              </div>
              <div>
                <dt>Autostop</dt>
                <dd>{w.ttl_ms ? duration(w.ttl_ms) + ' after start' : 'Off'}</dd>
              </div>
            </dl>
          </section>
        </aside>
      </div>
    </>
  );
}
