/** `hangar provisioner keys list`: the organization's provisioner keys (never their secrets). */
import { Command } from 'commander';
import type { ProvisionerKey } from '../../sdk/provisioner-daemons.js';
import { authedClient } from '../session.js';
import { formatTime } from '../ui/format.js';
import { OutputFormatter, type Column } from '../ui/output.js';
import { formatTags } from './format-tags.js';
import { organizationOption } from './options.js';

const columns: Column<ProvisionerKey>[] = [
  { name: 'id', value: (k) => k.id },
  { name: 'name', value: (k) => k.name, default: true },
  { name: 'tags', value: (k) => formatTags(k.tags), default: true },
  { name: 'created at', value: (k) => formatTime(k.created_at), default: true },
];

const output = new OutputFormatter<ProvisionerKey>({
  columns,
  empty: 'No provisioner keys found. Create one with `hangar provisioner keys create <name>`.',
});

export function provisionerKeysListCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description('List provisioner keys.')
    .addOption(organizationOption());
  return output.attach(cmd).action(async (opts: { org: string }, command: Command) => {
    const client = await authedClient(command);
    output.print(command, await client.provisioners.keys(opts.org));
  });
}
