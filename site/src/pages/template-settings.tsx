/** Template settings for template admins (`PATCH /templates/{id}`), and deleting the template. */
import { useState } from 'react';
import type { Template, UpdateTemplateMeta } from '../../../src/sdk/templates.js';
import { api } from '../api/client.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorAlert, Notice, validationsOf } from '../components/feedback.js';
import { Field, TextField, type BoundField } from '../components/form.js';
import { useAction } from '../hooks/use-api.js';
import { msToHours } from '../lib/format.js';
import { navigate } from '../router.js';
import { templateHref } from './templates-page.js';

const hourMs = 3_600_000;

function formOf(t: Template) {
  return {
    name: t.name,
    display_name: t.display_name,
    description: t.description,
    icon: t.icon,
    default_ttl_hours: msToHours(t.default_ttl_ms),
    activity_bump_hours: msToHours(t.activity_bump_ms),
    allow_user_autostart: t.allow_user_autostart,
    allow_user_autostop: t.allow_user_autostop,
    allow_user_cancel_workspace_jobs: t.allow_user_cancel_workspace_jobs,
    require_active_version: t.require_active_version,
    deprecation_message: t.deprecation_message,
  };
}

type Form = ReturnType<typeof formOf>;

function Checkbox({
  label,
  checked,
  onChange,
  hint,
}: {
  label: string;
  checked: boolean;
  onChange(v: boolean): void;
  hint?: string;
}) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>
        {label}
        {hint && <span className="field-hint">{hint}</span>}
      </span>
    </label>
  );
}

export function TemplateSettings({ template, onSaved }: { template: Template; onSaved(t: Template): void }) {
  const [form, setForm] = useState<Form>(() => formOf(template));
  const [saved, setSaved] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const save = useAction();
  const remove = useAction();
  const errors = validationsOf(save.error);
  const set =
    <K extends keyof Form>(k: K) =>
    (v: Form[K]) => {
      setSaved(false);
      setForm((f) => ({ ...f, [k]: v }));
    };
  // Text fields whose form key is also the API's field name.
  type TextKey = 'name' | 'display_name' | 'description' | 'icon' | 'deprecation_message';
  const text = (k: TextKey): BoundField => ({ name: k, value: form[k], error: errors[k], onChange: set(k) });
  const hours = (field: keyof Form, wire: string, label: string, hint: string) => (
    <Field label={label} hint={hint} error={errors[wire]}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          name={wire}
          type="number"
          min={0}
          step="any"
          value={form[field] as string}
          onChange={(e) => set(field)(e.target.value as never)}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
        />
      )}
    </Field>
  );
  return (
    <form
      className="form-card"
      onSubmit={(e) => {
        e.preventDefault();
        const req: UpdateTemplateMeta = {
          name: form.name,
          display_name: form.display_name,
          description: form.description,
          icon: form.icon,
          default_ttl_ms: Math.round(Number(form.default_ttl_hours) * hourMs),
          activity_bump_ms: Math.round(Number(form.activity_bump_hours) * hourMs),
          allow_user_autostart: form.allow_user_autostart,
          allow_user_autostop: form.allow_user_autostop,
          allow_user_cancel_workspace_jobs: form.allow_user_cancel_workspace_jobs,
          require_active_version: form.require_active_version,
          deprecation_message: form.deprecation_message,
        };
        void save.run(async () => {
          const next = await api.templates.update(template.id, req);
          onSaved(next);
          setSaved(true);
          if (next.name !== template.name) navigate(templateHref(next.name, '/settings'), { replace: true });
        });
      }}
    >
      {saved && <Notice tone="success">Settings saved.</Notice>}
      <ErrorAlert
        error={save.error}
        shownFields={[
          'name',
          'display_name',
          'description',
          'icon',
          'default_ttl_ms',
          'activity_bump_ms',
          'deprecation_message',
        ]}
        title="The settings were not saved."
      />
      <section aria-labelledby="general-settings">
        <h2 id="general-settings">General</h2>
        <TextField label="Name" {...text('name')} hint="Used in URLs and the CLI." />
        <TextField label="Display name" {...text('display_name')} />
        <TextField label="Description" {...text('description')} />
        <TextField label="Icon URL" {...text('icon')} placeholder="/icon/folder.svg or https://…" />
      </section>
      <section aria-labelledby="schedule-settings">
        <h2 id="schedule-settings">Schedule</h2>
        {hours(
          'default_ttl_hours',
          'default_ttl_ms',
          'Default autostop (hours)',
          'Workspaces stop this long after starting; 0 turns it off.',
        )}
        {hours(
          'activity_bump_hours',
          'activity_bump_ms',
          'Activity bump (hours)',
          'Activity in a workspace pushes its autostop this far.',
        )}
        <Checkbox
          label="Users may set their own autostart schedule"
          checked={form.allow_user_autostart}
          onChange={set('allow_user_autostart')}
        />
        <Checkbox
          label="Users may change the autostop"
          checked={form.allow_user_autostop}
          onChange={set('allow_user_autostop')}
        />
      </section>
      <section aria-labelledby="policy-settings">
        <h2 id="policy-settings">Policies</h2>
        <Checkbox
          label="Users may cancel their workspace builds"
          checked={form.allow_user_cancel_workspace_jobs}
          onChange={set('allow_user_cancel_workspace_jobs')}
        />
        <Checkbox
          label="Workspaces must use the active version"
          checked={form.require_active_version}
          onChange={set('require_active_version')}
          hint="Starting an outdated workspace updates it."
        />
        <TextField
          label="Deprecation message"
          {...text('deprecation_message')}
          hint="Non-empty marks the template deprecated: no new workspaces from it."
        />
      </section>
      <div className="form-actions">
        <button type="button" className="btn btn-danger-outline" onClick={() => setConfirmDelete(true)}>
          Delete template…
        </button>
        <button type="submit" className="btn btn-primary" disabled={save.busy}>
          {save.busy ? 'Saving…' : 'Save settings'}
        </button>
      </div>
      <ErrorAlert error={remove.error} title="The template was not deleted." />
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete template ${template.name}?`}
        confirmLabel="Delete template"
        typeToConfirm={template.name}
        danger
        busy={remove.busy}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => {
          setConfirmDelete(false);
          void remove.run(async () => {
            await api.templates.delete(template.id);
            navigate('/templates');
          });
        }}
      >
        <p>A template with workspaces cannot be deleted; delete its workspaces first.</p>
      </ConfirmDialog>
    </form>
  );
}
