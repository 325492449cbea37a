/** Sign in with email and password; afterwards back to the page that asked for it. */
import { useState } from 'react';
import { api } from '../api/client.js';
import { useAuth } from '../auth.js';
import { ErrorAlert, Notice } from '../components/feedback.js';
import { TextField } from '../components/form.js';
import { useTitle } from '../components/layout.js';
import { useAction } from '../hooks/use-api.js';
import { safeRedirect } from '../lib/redirect.js';
import { navigate, useLocation } from '../router.js';

export function LoginPage() {
  useTitle('Sign in');
  const { state, refresh } = useAuth();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const expired = state.status === 'signed-out' && state.expired;
  return (
    <div className="auth-page">
      <form
        className="auth-card"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await api.users.login({ email, password });
            await refresh();
            navigate(safeRedirect(search.get('redirect')), { replace: true });
          });
        }}
      >
        <h1>Sign in to Hangar</h1>
        {expired && !action.error && (
          <Notice tone="warn">Your session has ended. Sign in again to continue.</Notice>
        )}
        <ErrorAlert error={action.error} shownFields={[]} />
        <TextField
          label="Email"
          name="email"
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="username"
          required
          autoFocus
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          required
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
