/** First start: create the first user (the owner), then sign in as them. */
import { useState } from 'react';
import { api } from '../api/client.js';
import { useAuth } from '../auth.js';
import { ErrorAlert, validationsOf } from '../components/feedback.js';
import { TextField } from '../components/form.js';
import { useTitle } from '../components/layout.js';
import { useAction } from '../hooks/use-api.js';
import { navigate } from '../router.js';

export function SetupPage() {
  useTitle('Set up Hangar');
  const { refresh } = useAuth();
  const [form, setForm] = useState({ username: '', email: '', name: '', password: '' });
  const action = useAction();
  const errors = validationsOf(action.error);
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  return (
    <div className="auth-page">
      <form
        className="auth-card"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.users.createFirstUser({ ...form, name: form.name || undefined });
            await api.users.login({ email: form.email, password: form.password });
            await refresh();
            navigate('/templates', { replace: true });
          });
        }}
      >
        <h1>Welcome to Hangar</h1>
        <p className="muted">Create the first user. It becomes the deployment's owner.</p>
        <ErrorAlert error={action.error} shownFields={['username', 'email', 'name', 'password']} />
        <TextField
          label="Username"
          name="username"
          value={form.username}
          onChange={set('username')}
          error={errors.username}
          autoComplete="username"
          required
          autoFocus
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          value={form.email}
          onChange={set('email')}
          error={errors.email}
          autoComplete="email"
          required
        />
        <TextField
          label="Full name (optional)"
          name="name"
          value={form.name}
          onChange={set('name')}
          error={errors.name}
          autoComplete="name"
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          value={form.password}
          onChange={set('password')}
          error={errors.password}
          autoComplete="new-password"
          hint="Long and hard to guess: a few random words work well."
          required
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
    </div>
  );
}
