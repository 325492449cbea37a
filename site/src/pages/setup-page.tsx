/** First start: create the first user (the owner), then sign in as them. */
import { api } from '../api/client.js';
import { useAuth } from '../auth.js';
import { ErrorAlert } from '../components/feedback.js';
import { useFormValues } from '../components/form.js';
import { useTitle } from '../components/layout.js';
import { emptyNewUser, NewUserFields, newUserFieldNames } from '../components/new-user-fields.js';
import { useAction } from '../hooks/use-api.js';
import { navigate } from '../router.js';

export function SetupPage() {
  useTitle('Set up Hangar');
  const { refresh } = useAuth();
  const action = useAction();
  const { values: form, bind } = useFormValues(emptyNewUser, action.error);
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
        <ErrorAlert error={action.error} shownFields={newUserFieldNames} />
        <NewUserFields bind={bind} self />
        <button type="submit" className="btn btn-primary btn-block" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
    </div>
  );
}
