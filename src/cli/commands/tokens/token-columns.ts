/** How API tokens appear in `hangar tokens list`. */
import type { APIKey } from '../../../sdk/users.js';
import { formatTime } from '../../ui/format.js';
import type { Column } from '../../ui/output.js';

export const tokenColumns: Column<APIKey>[] = [
  { name: 'id', value: (k) => k.id, default: true },
  { name: 'name', value: (k) => k.token_name, default: true },
  { name: 'scope', value: (k) => k.scope },
  { name: 'last used', value: (k) => formatTime(k.last_used), default: true },
  { name: 'expires at', value: (k) => formatTime(k.expires_at), default: true },
  { name: 'created at', value: (k) => formatTime(k.created_at), default: true },
];
