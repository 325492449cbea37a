/** Templates: what users can create workspaces from, and how admins add more (with the CLI). */
import { api } from '../api/client.js';
import { can, useMe } from '../auth.js';
import { CopyableCommand } from '../components/copy-button.js';
import { Empty, ErrorAlert, Loading } from '../components/feedback.js';
import { PageHeader, useTitle } from '../components/layout.js';
import { useApi } from '../hooks/use-api.js';
import { Link } from '../router.js';

export function templateHref(name: string, rest = ''): string {
  return `/templates/${encodeURIComponent(name)}${rest}`;
}

export function PushInstructions() {
  const origin = window.location.origin;
  return (
    <section className="card instructions" aria-labelledby="push-heading">
      <h2 id="push-heading">Add a template with the CLI</h2>
      <ol>
        <li>
          Sign the CLI in to this deployment:{' '}
          <CopyableCommand command={`hangar login ${origin}`} label="Login command" />
        </li>
        <li>
          Start from an example (<code>local</code>, <code>docker</code>, <code>kubernetes</code>):{' '}
          <CopyableCommand command="hangar templates init --id local ./local" label="Init command" />
        </li>
        <li>
          Push it; pushing again adds a new version:{' '}
          <CopyableCommand command="hangar templates push local -d ./local -y" label="Push command" />
        </li>
      </ol>
    </section>
  );
}

export function TemplatesPage() {
  useTitle('Templates');
  const me = useMe();
  const templates = useApi(() => api.templates.list(), []);
  const admin = can(me, 'manage-templates');
  return (
    <>
      <PageHeader
        title="Templates"
        subtitle="Workspaces are created from templates: Terraform that describes their infrastructure."
      />
      <ErrorAlert error={templates.error} />
      {templates.loading && !templates.data ? (
        <Loading label="Loading templates…" />
      ) : templates.data && templates.data.length === 0 ? (
        <Empty title="No templates yet">
          {admin ? (
            <p>Push one with the CLI as shown below.</p>
          ) : (
            <p>Ask a template administrator to add one.</p>
          )}
        </Empty>
      ) : (
        templates.data && (
          <ul className="template-list" aria-label="Templates">
            {templates.data.map((t) => (
              <li key={t.id} className="template-item" data-template={t.name}>
                <div className="template-icon" aria-hidden="true">
                  {t.icon && /^(https?:\/\/|\/)/.test(t.icon) ? (
                    <img src={t.icon} alt="" />
                  ) : (
                    (t.display_name || t.name).charAt(0).toUpperCase()
                  )}
                </div>
                <div className="template-body">
                  <Link to={templateHref(t.name)} className="strong-link">
                    {t.display_name || t.name}
                  </Link>
                  {t.deprecated && <span className="tag tag-warn">deprecated</span>}
                  <p className="muted">{t.description || 'No description.'}</p>
                  <p className="muted small">
                    {t.workspace_count} workspace{t.workspace_count === 1 ? '' : 's'} · {t.provisioner}
                  </p>
                </div>
                {!t.deprecated && (
                  <Link
                    to={templateHref(t.name, '/workspace')}
                    className="btn btn-primary"
                    aria-label={`Create a workspace from ${t.display_name || t.name}`}
                  >
                    Create workspace
                  </Link>
                )}
              </li>
            ))}
          </ul>
        )
      )}
      {admin && <PushInstructions />}
    </>
  );
}
