/**
 * The workspace list: the API's `q` search (kept in the URL as `?filter=`), status in colour and
 * words, and live updates by polling while the tab is visible (as Coder's dashboard does).
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { can, useMe } from '../auth.js';
import { DataTable } from '../components/data-table.js';
import { Empty, ErrorAlert, Loading, validationsOf } from '../components/feedback.js';
import { PageHeader, useTitle } from '../components/layout.js';
import { WorkspaceStatusPill } from '../components/status.js';
import { RelativeTime } from '../components/time.js';
import { useApi } from '../hooks/use-api.js';
import { Link, navigate, useLocation } from '../router.js';

export const workspacesPollMs = 5_000;
const defaultFilter = 'owner:me';

export function workspaceHref(owner: string, name: string): string {
  return `/@${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

export function WorkspacesPage() {
  useTitle('Workspaces');
  const me = useMe();
  const { search } = useLocation();
  const filter = search.get('filter') ?? defaultFilter;
  const [draft, setDraft] = useState(filter);
  useEffect(() => setDraft(filter), [filter]);
  // Apply typing after a pause; the URL is the source of truth so reloads and links keep it.
  useEffect(() => {
    if (draft === filter) return;
    const t = setTimeout(
      () => navigate(`/workspaces?filter=${encodeURIComponent(draft)}`, { replace: true }),
      400,
    );
    return () => clearTimeout(t);
  }, [draft, filter]);
  const list = useApi(() => api.workspaces.list({ q: filter, limit: 100 }), [filter], {
    intervalMs: workspacesPollMs,
    keepData: true,
  });
  const showOwner = can(me, 'view-all-workspaces');
  const qError = validationsOf(list.error).q;
  return (
    <>
      <PageHeader
        title="Workspaces"
        actions={
          <Link to="/templates" className="btn btn-primary">
            New workspace
          </Link>
        }
      />
      <form
        className="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/workspaces?filter=${encodeURIComponent(draft)}`, { replace: true });
        }}
      >
        <label htmlFor="workspace-search" className="visually-hidden">
          Search workspaces
        </label>
        <input
          id="workspace-search"
          type="search"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="owner:me status:running template:docker name:dev"
          aria-describedby={qError ? 'workspace-search-error' : 'workspace-search-hint'}
          aria-invalid={qError ? true : undefined}
        />
        {qError ? (
          <div className="field-error" id="workspace-search-error" role="alert" data-field-error>
            {qError}
          </div>
        ) : (
          <div className="field-hint" id="workspace-search-hint">
            Filters: <code>owner:</code>, <code>template:</code>, <code>status:</code>, <code>name:</code>;
            plain words match names.
          </div>
        )}
      </form>
      {list.error && !qError && <ErrorAlert error={list.error} />}
      {list.loading && !list.data ? (
        <Loading label="Loading workspaces…" />
      ) : list.data && list.data.workspaces.length === 0 ? (
        filter.trim() === defaultFilter ? (
          <Empty title="You have no workspaces yet">
            <p>
              Pick a template to create your first one. <Link to="/templates">Browse templates</Link>
            </p>
          </Empty>
        ) : (
          <Empty title="No workspaces match this search">
            <button type="button" className="btn" onClick={() => navigate('/workspaces')}>
              Clear the search
            </button>
          </Empty>
        )
      ) : (
        list.data && (
          <DataTable
            label="Workspaces"
            rows={list.data.workspaces}
            rowKey={(w) => w.id}
            rowProps={(w) => ({ 'data-workspace': w.name })}
            columns={[
              {
                header: 'Name',
                cell: (w) => (
                  <>
                    <Link to={workspaceHref(w.owner_name, w.name)} className="strong-link">
                      {w.name}
                    </Link>
                    {w.outdated && (
                      <span className="tag" title="A newer template version is active">
                        outdated
                      </span>
                    )}
                  </>
                ),
              },
              showOwner && { header: 'Owner', cell: (w) => w.owner_name },
              { header: 'Template', cell: (w) => w.template_display_name || w.template_name },
              { header: 'Status', cell: (w) => <WorkspaceStatusPill status={w.latest_build.status} /> },
              { header: 'Last used', cell: (w) => <RelativeTime iso={w.last_used_at} /> },
            ]}
            footer={
              list.data.count > list.data.workspaces.length && (
                <p className="muted">
                  Showing {list.data.workspaces.length} of {list.data.count}; narrow the search to see the
                  rest.
                </p>
              )
            }
          />
        )
      )}
    </>
  );
}
