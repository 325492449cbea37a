/** Create a workspace from a template: its name and the template's rich parameters. */
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.js';
import { useMe } from '../auth.js';
import { Empty, ErrorAlert, Loading, validationsOf } from '../components/feedback.js';
import { TextField } from '../components/form.js';
import { PageHeader, useTitle } from '../components/layout.js';
import {
  initialValues,
  parameterProblems,
  ParameterFields,
  sortedParameters,
  type ParameterValues,
} from '../components/parameter-fields.js';
import { useAction, useApi } from '../hooks/use-api.js';
import { Link, navigate } from '../router.js';
import { workspaceHref } from './workspaces-page.js';

export function CreateWorkspacePage({ templateName }: { templateName: string }) {
  useTitle(`New workspace · ${templateName}`);
  const me = useMe();
  const org = me.organization_ids[0] ?? 'default';
  const loaded = useApi(async () => {
    const template = await api.templates.getByName(org, templateName);
    const parameters = await api.templates.versionParameters(template.active_version_id);
    return { template, parameters: sortedParameters(parameters) };
  }, [org, templateName]);
  const [name, setName] = useState('');
  const [values, setValues] = useState<ParameterValues>({});
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const action = useAction();
  useEffect(() => {
    if (loaded.data) setValues(initialValues(loaded.data.parameters));
  }, [loaded.data]);

  const parameters = loaded.data?.parameters ?? [];
  const clientErrors = useMemo(() => {
    const all = parameterProblems(parameters, values);
    return Object.fromEntries(Object.entries(all).filter(([k]) => submitted || touched.has(k)));
  }, [parameters, values, touched, submitted]);
  const serverErrors = validationsOf(action.error);
  const errors = { ...serverErrors, ...clientErrors };

  if (loaded.loading && !loaded.data) return <Loading label="Loading the template…" />;
  if (!loaded.data)
    return (
      <>
        <PageHeader title="New workspace" />
        <ErrorAlert error={loaded.error} />
        <Link to="/templates">Back to templates</Link>
      </>
    );
  const { template } = loaded.data;
  return (
    <>
      <PageHeader
        title="New workspace"
        subtitle={
          <>
            from{' '}
            <Link to={`/templates/${encodeURIComponent(template.name)}`}>
              {template.display_name || template.name}
            </Link>
          </>
        }
      />
      {template.deprecated && (
        <div className="alert alert-warn" role="status">
          This template is deprecated
          {template.deprecation_message ? `: ${template.deprecation_message}` : '.'}
        </div>
      )}
      <form
        className="form-card"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(true);
          if (Object.keys(parameterProblems(parameters, values)).length > 0) {
            // Focus the first field that needs attention.
            requestAnimationFrame(() =>
              document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
            );
            return;
          }
          void action.run(async () => {
            const w = await api.workspaces.create('me', {
              template_id: template.id,
              name,
              rich_parameter_values: parameters.map((p) => ({ name: p.name, value: values[p.name] ?? '' })),
            });
            navigate(workspaceHref(w.owner_name, w.name));
          });
        }}
      >
        <ErrorAlert
          error={action.error}
          shownFields={['name', ...parameters.map((p) => p.name)]}
          title="The workspace was not created."
        />
        <section aria-labelledby="general-heading">
          <h2 id="general-heading">General</h2>
          <TextField
            label="Workspace name"
            name="name"
            value={name}
            onChange={setName}
            error={errors.name}
            hint="Letters, digits and single hyphens, at most 32 characters."
            required
            autoFocus
          />
        </section>
        {parameters.length > 0 && (
          <section aria-labelledby="parameters-heading">
            <h2 id="parameters-heading">Parameters</h2>
            <p className="muted">Immutable parameters cannot be changed once the workspace exists.</p>
            <ParameterFields
              parameters={parameters}
              values={values}
              errors={errors}
              onChange={(n, v) => {
                setValues((old) => ({ ...old, [n]: v }));
                setTouched((t) => new Set(t).add(n));
                action.clearError();
              }}
            />
          </section>
        )}
        {parameters.length === 0 && <Empty title="This template has no parameters." />}
        <div className="form-actions">
          <Link to="/templates" className="btn">
            Cancel
          </Link>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {action.busy ? 'Creating…' : 'Create workspace'}
          </button>
        </div>
      </form>
    </>
  );
}
