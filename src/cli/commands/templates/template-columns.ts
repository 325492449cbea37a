/** How templates and their versions appear in `templates list` and `templates versions list`. */
import type { Template, TemplateVersion } from '../../../sdk/templates.js';
import { formatTime } from '../../ui/format.js';
import { formatDurationMs } from '../../duration.js';
import type { Column } from '../../ui/output.js';

export const templateColumns: Column<Template>[] = [
  { name: 'name', value: (t) => t.name, default: true },
  { name: 'display name', value: (t) => t.display_name },
  { name: 'organization', value: (t) => t.organization_name, default: true },
  { name: 'provisioner', value: (t) => t.provisioner },
  {
    name: 'used by',
    value: (t) => `${t.workspace_count} workspace${t.workspace_count === 1 ? '' : 's'}`,
    default: true,
  },
  { name: 'default ttl', value: (t) => formatDurationMs(t.default_ttl_ms), default: true },
  { name: 'deprecated', value: (t) => (t.deprecated ? t.deprecation_message || 'yes' : '') },
  { name: 'active version id', value: (t) => t.active_version_id },
  { name: 'id', value: (t) => t.id },
  { name: 'created at', value: (t) => formatTime(t.created_at) },
  { name: 'last updated', value: (t) => formatTime(t.updated_at), default: true },
];

export interface VersionRow extends TemplateVersion {
  active: boolean;
}

export const versionColumns: Column<VersionRow>[] = [
  { name: 'name', value: (v) => v.name, default: true },
  { name: 'created at', value: (v) => formatTime(v.created_at), default: true },
  { name: 'created by', value: (v) => v.created_by.username, default: true },
  { name: 'status', value: (v) => v.job.status, default: true },
  { name: 'active', value: (v) => (v.active ? 'Active' : ''), default: true },
  { name: 'message', value: (v) => v.message },
  { name: 'id', value: (v) => v.id },
];
