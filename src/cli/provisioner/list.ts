/** `hangar provisioner list`: the organization's provisioner daemons and what they are doing. */
import { Command } from 'commander';
import type { ProvisionerDaemon } from '../../sdk/provisioner-daemons.js';
import { authedClient } from '../session.js';
import { formatList, formatTime } from '../ui/format.js';
import { OutputFormatter, type Column } from '../ui/output.js';
import { formatTags } from './format-tags.js';
import { organizationOption } from './options.js';

const columns: Column<ProvisionerDaemon>[] = [
  { name: 'id', value: (d) => d.id },
  { name: 'name', value: (d) => d.name, default: true },
  { name: 'status', value: (d) => d.status, default: true },
  { name: 'provisioners', value: (d) => formatList(d.provisioners), default: true },
  { name: 'tags', value: (d) => formatTags(d.tags), default: true },
  { name: 'version', value: (d) => d.version, default: true },
  { name: 'last seen at', value: (d) => formatTime(d.last_seen_at), default: true },
  { name: 'current job', value: (d) => d.current_job_id ?? '' },
  { name: 'key id', value: (d) => d.key_id ?? '' },
  { name: 'created at', value: (d) => formatTime(d.created_at) },
];

const output = new OutputFormatter<ProvisionerDaemon>({
  columns,
  empty: 'No provisioner daemons found. Start one with `hangar provisioner start`.',
});

export function provisionerListCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description('List provisioner daemons.')
    .addOption(organizationOption());
  return output.attach(cmd).action(async (opts: { org: string }, command: Command) => {
    const client = await authedClient(command);
    output.print(command, await client.provisioners.daemons(opts.org));
  });
}
