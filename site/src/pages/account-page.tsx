/** The signed-in user's own settings: profile, password, and API tokens. */
import { useState } from 'react';
import type { GenerateAPIKeyResponse } from '../../../src/sdk/users.js';
import { api } from '../api/client.js';
import { useMe } from '../auth.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { DataTable } from '../components/data-table.js';
import { CopyableCommand } from '../components/copy-button.js';
import { Empty, ErrorAlert, Loading, Notice, validationsOf } from '../components/feedback.js';
import { Field, TextField, useFormValues } from '../components/form.js';
import { PageHeader, Tabs, useTitle } from '../components/layout.js';
import { RelativeTime } from '../components/time.js';
import { useAction, useApi } from '../hooks/use-api.js';

const tabs = [
  { to: '/settings/account', label: 'Account' },
  { to: '/settings/tokens', label: 'API tokens' },
];

function PasswordForm() {
  const [done, setDone] = useState(false);
  const [mismatch, setMismatch] = useState(false);
  const action = useAction();
  const {
    values: form,
    setValues: setForm,
    bind,
  } = useFormValues({ old_password: '', password: '', confirm: '' }, action.error, () => {
    setDone(false);
    setMismatch(false);
  });
  return (
    <form
      className="form-card"
      aria-labelledby="password-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (form.password !== form.confirm) {
          setMismatch(true);
          return;
        }
        void action.run(async () => {
          await api.users.updatePassword('me', { old_password: form.old_password, password: form.password });
          setForm({ old_password: '', password: '', confirm: '' });
          setDone(true);
        });
      }}
    >
      <h2 id="password-heading">Change password</h2>
      {done && <Notice tone="success">Your password was changed.</Notice>}
      <ErrorAlert error={action.error} shownFields={['old_password', 'password']} />
      <TextField
        label="Current password"
        type="password"
        {...bind('old_password')}
        autoComplete="current-password"
        required
      />
      <TextField
        label="New password"
        type="password"
        {...bind('password')}
        autoComplete="new-password"
        required
      />
      <TextField
        label="Repeat the new password"
        type="password"
        {...bind('confirm')}
        error={mismatch ? 'The passwords differ.' : undefined}
        autoComplete="new-password"
        required
      />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {action.busy ? 'Saving…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}

export function AccountPage() {
  useTitle('Account');
  const me = useMe();
  return (
    <>
      <PageHeader title="Settings" />
      <Tabs tabs={tabs} />
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <dl className="kv">
          <div>
            <dt>Username</dt>
            <dd>{me.username}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{me.email}</dd>
          </div>
          <div>
            <dt>Name</dt>
            <dd>{me.name || '—'}</dd>
          </div>
          <div>
            <dt>Roles</dt>
            <dd>{me.roles.map((r) => r.display_name || r.name).join(', ') || 'Member'}</dd>
          </div>
        </dl>
      </section>
      {me.login_type === 'password' && <PasswordForm />}
    </>
  );
}

const dayNs = 86_400 * 1e9;

export function TokensPage() {
  useTitle('API tokens');
  const tokens = useApi(() => api.users.listTokens('me'), []);
  const [name, setName] = useState('');
  const [days, setDays] = useState('30');
  const [created, setCreated] = useState<GenerateAPIKeyResponse & { name: string }>();
  const [deleting, setDeleting] = useState<{ id: string; name: string }>();
  const create = useAction();
  const remove = useAction();
  const errors = validationsOf(create.error);
  return (
    <>
      <PageHeader title="Settings" />
      <Tabs tabs={tabs} />
      <form
        className="form-card"
        aria-labelledby="new-token-heading"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run(async () => {
            const res = await api.users.createToken('me', {
              token_name: name || undefined,
              lifetime: Math.round(Number(days) * dayNs),
            });
            setCreated({ ...res, name });
            setName('');
            await tokens.reload();
          });
        }}
      >
        <h2 id="new-token-heading">New token</h2>
        <p className="muted">Tokens let scripts and the CLI act as you (`Coder-Session-Token` header).</p>
        {created && (
          <Notice tone="success">
            Token {created.name && <strong>{created.name}</strong>} created. Copy it now; it is not shown
            again.
            <CopyableCommand command={created.key} label="New token" />
          </Notice>
        )}
        <ErrorAlert error={create.error} shownFields={['token_name', 'lifetime']} />
        <TextField
          label="Name"
          name="token_name"
          value={name}
          onChange={setName}
          error={errors.token_name}
          hint="Optional; one is generated when empty."
        />
        <Field label="Lifetime (days)" error={errors.lifetime}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="lifetime"
              type="number"
              min={1}
              value={days}
              onChange={(e) => setDays(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
      <section className="card" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">Your tokens</h2>
        <ErrorAlert error={tokens.error ?? remove.error} />
        {!tokens.data ? (
          !tokens.error && <Loading />
        ) : tokens.data.length === 0 ? (
          <Empty title="No tokens." />
        ) : (
          <DataTable
            label="API tokens"
            rows={tokens.data}
            rowKey={(t) => t.id}
            rowProps={(t) => ({ 'data-token': t.token_name })}
            columns={[
              { header: 'Name', cell: (t) => t.token_name },
              { header: 'Created', cell: (t) => <RelativeTime iso={t.created_at} /> },
              { header: 'Last used', cell: (t) => <RelativeTime iso={t.last_used} /> },
              { header: 'Expires', cell: (t) => <RelativeTime iso={t.expires_at} /> },
            ]}
            actions={(t) => (
              <button
                type="button"
                className="btn btn-small btn-danger-outline"
                onClick={() => setDeleting({ id: t.id, name: t.token_name })}
              >
                Delete…
              </button>
            )}
          />
        )}
      </section>
      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete token ${deleting?.name ?? ''}?`}
        confirmLabel="Delete token"
        danger
        busy={remove.busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          const t = deleting!;
          setDeleting(undefined);
          void remove.run(async () => {
            await api.users.deleteKey('me', t.id);
            await tokens.reload();
          });
        }}
      >
        <p>Anything using this token stops working at once.</p>
      </ConfirmDialog>
    </>
  );
}
