/** User administration: list and search, create, suspend/activate, roles, delete. */
import { useEffect, useState } from 'react';
import type { AssignableRole, User } from '../../../src/sdk/users.js';
import { api } from '../api/client.js';
import { useMe } from '../auth.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { DataTable } from '../components/data-table.js';
import { Empty, ErrorAlert, Loading, Notice } from '../components/feedback.js';
import { useFormValues } from '../components/form.js';
import { emptyNewUser, NewUserFields, newUserFieldNames } from '../components/new-user-fields.js';
import { PageHeader, useTitle } from '../components/layout.js';
import { Pill } from '../components/status.js';
import { RelativeTime } from '../components/time.js';
import { useAction, useApi } from '../hooks/use-api.js';

function CreateUser({ onCreated, onCancel }: { onCreated(u: User): void; onCancel(): void }) {
  const action = useAction();
  const { values: form, bind } = useFormValues(emptyNewUser, action.error);
  return (
    <form
      className="form-card"
      aria-labelledby="create-user-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () =>
          onCreated(await api.users.create({ ...form, name: form.name || undefined })),
        );
      }}
    >
      <h2 id="create-user-heading">New user</h2>
      <ErrorAlert error={action.error} shownFields={newUserFieldNames} />
      <NewUserFields bind={bind} />
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}

function RolesEditor({
  user,
  roles,
  onSaved,
}: {
  user: User;
  roles: AssignableRole[];
  onSaved(u: User): void;
}) {
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const action = useAction();
  const assignable = roles.filter((r) => r.assignable && r.name !== 'member');
  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          setChosen(new Set(user.roles.map((r) => r.name)));
          setOpen(true);
        }}
      >
        Roles…
      </button>
      <ConfirmDialog
        open={open}
        title={`Roles of ${user.username}`}
        confirmLabel="Save roles"
        busy={action.busy}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          void action.run(async () => {
            onSaved(
              await api.users.updateRoles(
                user.id,
                [...chosen].filter((r) => r !== 'member'),
              ),
            );
            setOpen(false);
          })
        }
      >
        <ErrorAlert error={action.error} />
        <fieldset className="checks">
          <legend className="visually-hidden">Site roles</legend>
          {assignable.map((r) => (
            <label key={r.name} className="check">
              <input
                type="checkbox"
                checked={chosen.has(r.name)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(r.name);
                  else next.delete(r.name);
                  setChosen(next);
                }}
              />
              {r.display_name || r.name}
            </label>
          ))}
        </fieldset>
      </ConfirmDialog>
    </>
  );
}

export function UsersPage() {
  useTitle('Users');
  const me = useMe();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQ(search), 300);
    return () => clearTimeout(t);
  }, [search]);
  const users = useApi(() => api.users.list({ q, limit: 200 }), [q], { keepData: true });
  const roles = useApi(() => api.users.assignableRoles(), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string>();
  const [deleting, setDeleting] = useState<User>();
  const action = useAction();
  const replace = (u: User) =>
    users.setData((old) => (old ? { ...old, users: old.users.map((x) => (x.id === u.id ? u : x)) } : old!));
  return (
    <>
      <PageHeader
        title="Users"
        actions={
          !creating && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              New user
            </button>
          )
        }
      />
      {created && (
        <Notice tone="success">User {created} created. They can sign in with the password you set.</Notice>
      )}
      {creating && (
        <CreateUser
          onCancel={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            setCreated(u.username);
            void users.reload();
          }}
        />
      )}
      <div className="search">
        <label htmlFor="user-search" className="visually-hidden">
          Search users
        </label>
        <input
          id="user-search"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search by name or email"
        />
      </div>
      <ErrorAlert error={action.error} title="The change failed." />
      <ErrorAlert error={users.error} />
      {users.loading && !users.data ? (
        <Loading label="Loading users…" />
      ) : users.data?.users.length === 0 ? (
        <Empty title="No users match." />
      ) : (
        users.data && (
          <DataTable
            label="Users"
            rows={users.data.users}
            rowKey={(u) => u.id}
            rowProps={(u) => ({ 'data-user': u.username })}
            columns={[
              {
                header: 'User',
                cell: (u) => (
                  <>
                    <strong>{u.username}</strong>
                    <div className="muted small">{u.email}</div>
                  </>
                ),
              },
              {
                header: 'Roles',
                cell: (u) =>
                  u.roles.length ? u.roles.map((r) => r.display_name || r.name).join(', ') : 'Member',
              },
              {
                header: 'Status',
                cell: (u) => <Pill tone={u.status === 'active' ? 'ok' : 'off'} label={u.status} />,
              },
              { header: 'Last seen', cell: (u) => <RelativeTime iso={u.last_seen_at} /> },
            ]}
            actions={(u) =>
              u.id !== me.id && (
                <>
                  {roles.data && <RolesEditor user={u} roles={roles.data} onSaved={replace} />}
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={action.busy}
                    onClick={() =>
                      void action.run(async () =>
                        replace(
                          await (u.status === 'active' ? api.users.suspend(u.id) : api.users.activate(u.id)),
                        ),
                      )
                    }
                  >
                    {u.status === 'active' ? 'Suspend' : 'Activate'}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-outline"
                    onClick={() => setDeleting(u)}
                  >
                    Delete…
                  </button>
                </>
              )
            }
          />
        )
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete ${deleting?.username ?? ''}?`}
        confirmLabel="Delete user"
        typeToConfirm={deleting?.username}
        danger
        busy={action.busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          const u = deleting!;
          setDeleting(undefined);
          void action.run(async () => {
            await api.users.delete(u.id);
            await users.reload();
          });
        }}
      >
        <p>A user who still owns workspaces cannot be deleted.</p>
      </ConfirmDialog>
    </>
  );
}
