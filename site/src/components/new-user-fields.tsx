/** The fields of a new user, shared by first-run setup and user administration. */
import { TextField, type BoundField } from './form.js';

export const newUserFieldNames = ['username', 'email', 'name', 'password'];
export const emptyNewUser = { username: '', email: '', name: '', password: '' };

/**
 * `self` is true when people create their own account: the browser may then fill in what it
 * knows about them, which would be wrong when an administrator creates somebody else.
 */
export function NewUserFields({
  bind,
  self = false,
}: {
  bind(name: keyof typeof emptyNewUser): BoundField;
  self?: boolean;
}) {
  const fill = (hint: string) => (self ? hint : 'off');
  return (
    <>
      <TextField label="Username" {...bind('username')} autoComplete={fill('username')} required autoFocus />
      <TextField label="Email" type="email" {...bind('email')} autoComplete={fill('email')} required />
      <TextField label="Full name (optional)" {...bind('name')} autoComplete={fill('name')} />
      <TextField
        label="Password"
        type="password"
        {...bind('password')}
        autoComplete="new-password"
        hint={self ? 'Long and hard to guess: a few random words work well.' : undefined}
        required
      />
    </>
  );
}
