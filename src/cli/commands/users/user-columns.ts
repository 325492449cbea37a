/** How users appear in tables: the columns of `users list`, `users show`, `users create` and `whoami`. */
import type { User } from '../../../sdk/users.js';
import { formatList, formatTime } from '../../ui/format.js';
import type { Column } from '../../ui/output.js';

export const userColumns: Column<User>[] = [
  { name: 'id', value: (u) => u.id },
  { name: 'username', value: (u) => u.username, default: true },
  { name: 'email', value: (u) => u.email, default: true },
  { name: 'name', value: (u) => u.name },
  { name: 'created at', value: (u) => formatTime(u.created_at), default: true },
  { name: 'last seen at', value: (u) => formatTime(u.last_seen_at) },
  { name: 'status', value: (u) => u.status, default: true },
  { name: 'login type', value: (u) => u.login_type },
  { name: 'roles', value: (u) => formatList(u.roles.map((r) => r.name)) },
];

/** For one user, roles matter more than timestamps. */
export const singleUserColumns: Column<User>[] = userColumns.map((c) => ({
  ...c,
  default: ['username', 'email', 'name', 'status', 'roles'].includes(c.name),
}));
