/**
 * A template: its README, its versions with their import logs (and promoting one to active), and
 * for template admins the settings form.
 */
import { useState } from 'react';
import type { Template, TemplateVersion } from '../../../src/sdk/templates.js';
import { api } from '../api/client.js';
import { can, useMe } from '../auth.js';
import { ErrorAlert, Loading } from '../components/feedback.js';
import { PageHeader, Tabs, useTitle } from '../components/layout.js';
import { jobLogLines, LogViewer } from '../components/log-viewer.js';
import { Markdown } from '../components/markdown.js';
import { JobStatusPill } from '../components/status.js';
import { RelativeTime } from '../components/time.js';
import { useAction, useApi } from '../hooks/use-api.js';
import { Link } from '../router.js';
import { TemplateSettings } from './template-settings.js';
import { PushInstructions, templateHref } from './templates-page.js';
import { useJobLogs } from './workspace-builds.js';

function VersionLogs({ version }: { version: TemplateVersion }) {
  const { logs, error } = useJobLogs(
    version.id,
    !version.job.completed_at,
    (after) => api.templates.versionLogs(version.id, after),
    (after) => api.templates.followVersionLogsUrl(version.id, after),
  );
  return (
    <>
      <ErrorAlert error={error} />
      <LogViewer label={`Import log of ${version.name}`} lines={jobLogLines(logs)} maxHeight={320} />
    </>
  );
}

function Versions({ template, onPromoted }: { template: Template; onPromoted(): void }) {
  const me = useMe();
  const versions = useApi(
    () => api.templates.versions(template.id),
    [template.id, template.active_version_id],
  );
  const [open, setOpen] = useState<string>();
  const promote = useAction();
  if (!versions.data)
    return versions.error ? <ErrorAlert error={versions.error} /> : <Loading label="Loading versions…" />;
  const sorted = [...versions.data].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return (
    <>
      <ErrorAlert error={promote.error} />
      <ul className="versions" aria-label="Versions">
        {sorted.map((v) => (
          <li key={v.id} className="version" data-version={v.name}>
            <div className="version-row">
              <button
                type="button"
                className="link-button"
                aria-expanded={open === v.id}
                onClick={() => setOpen(open === v.id ? undefined : v.id)}
              >
                {v.name}
              </button>
              {v.id === template.active_version_id && <span className="tag tag-ok">active</span>}
              <JobStatusPill status={v.job.status} />
              <span className="muted small">
                by {v.created_by.username} <RelativeTime iso={v.created_at} />
              </span>
              {v.message && <span className="small">{v.message}</span>}
              {can(me, 'manage-templates') &&
                v.id !== template.active_version_id &&
                v.job.status === 'succeeded' && (
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={promote.busy}
                    onClick={() =>
                      void promote.run(() => api.templates.promote(template.id, v.id)).then(onPromoted)
                    }
                  >
                    Promote
                  </button>
                )}
            </div>
            {open === v.id && <VersionLogs version={v} />}
          </li>
        ))}
      </ul>
    </>
  );
}

function Summary({ template }: { template: Template }) {
  const version = useApi(
    () => api.templates.version(template.active_version_id),
    [template.active_version_id],
  );
  return (
    <div className="template-summary">
      <section className="card" aria-labelledby="readme-heading">
        <div className="card-header">
          <h2 id="readme-heading">README</h2>
          {version.data && <span className="muted small">version {version.data.name}</span>}
        </div>
        {version.error && <ErrorAlert error={version.error} />}
        {!version.data ? (
          !version.error && <Loading />
        ) : version.data.readme.trim() ? (
          <Markdown source={version.data.readme} />
        ) : (
          <p className="muted">This version has no README.</p>
        )}
      </section>
      <section className="card" aria-labelledby="about-heading">
        <h2 id="about-heading">About</h2>
        <dl className="kv">
          <div>
            <dt>Workspaces</dt>
            <dd>{template.workspace_count}</dd>
          </div>
          <div>
            <dt>Provisioner</dt>
            <dd>{template.provisioner}</dd>
          </div>
          <div>
            <dt>Created by</dt>
            <dd>{template.created_by_name}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>
              <RelativeTime iso={template.updated_at} />
            </dd>
          </div>
        </dl>
      </section>
    </div>
  );
}

export function TemplatePage({ name, tab }: { name: string; tab: 'summary' | 'versions' | 'settings' }) {
  useTitle(`Template ${name}`);
  const me = useMe();
  const org = me.organization_ids[0] ?? 'default';
  const template = useApi(() => api.templates.getByName(org, name), [org, name]);
  const t = template.data;
  if (!t)
    return template.error ? (
      <>
        <PageHeader title={name} />
        <ErrorAlert error={template.error} />
        <Link to="/templates">Back to templates</Link>
      </>
    ) : (
      <Loading label="Loading the template…" />
    );
  const admin = can(me, 'manage-templates');
  const tabs = [
    { to: templateHref(t.name), label: 'Summary' },
    { to: templateHref(t.name, '/versions'), label: 'Versions' },
    ...(admin ? [{ to: templateHref(t.name, '/settings'), label: 'Settings' }] : []),
  ];
  return (
    <>
      <PageHeader
        title={t.display_name || t.name}
        subtitle={
          <>
            {t.description || 'No description.'}
            {t.deprecated && <span className="tag tag-warn">deprecated</span>}
          </>
        }
        actions={
          !t.deprecated && (
            <Link to={templateHref(t.name, '/workspace')} className="btn btn-primary">
              Create workspace
            </Link>
          )
        }
      />
      <Tabs tabs={tabs} />
      {tab === 'summary' && <Summary template={t} />}
      {tab === 'versions' && (
        <>
          <Versions template={t} onPromoted={() => void template.reload()} />
          {admin && <PushInstructions />}
        </>
      )}
      {tab === 'settings' && admin && (
        <TemplateSettings template={t} onSaved={(next) => template.setData(next)} />
      )}
    </>
  );
}
