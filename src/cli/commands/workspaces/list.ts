/** `hangar list`: your workspaces (everyone's with -a), as a table or JSON. */
import { Command } from 'commander';
import type { HangarClient } from '../../../sdk/hangar-client.js';
import type { Workspace } from '../../../sdk/workspaces.js';
import { authedClient } from '../../session.js';
import { formatAgo, formatTime } from '../../ui/format.js';
import { OutputFormatter, type Column } from '../../ui/output.js';

const columns: Column<Workspace>[] = [
  { name: 'workspace', value: (w) => `${w.owner_name}/${w.name}`, default: true },
  { name: 'template', value: (w) => w.template_name, default: true },
  { name: 'status', value: (w) => w.latest_build.status, default: true },
  { name: 'last built', value: (w) => formatAgo(w.latest_build.created_at), default: true },
  { name: 'outdated', value: (w) => (w.outdated ? 'yes' : 'no'), default: true },
  { name: 'version', value: (w) => w.latest_build.template_version_name },
  { name: 'healthy', value: (w) => String(w.health.healthy) },
  { name: 'id', value: (w) => w.id },
  { name: 'created at', value: (w) => formatTime(w.created_at) },
];

const output = new OutputFormatter<Workspace>({
  columns,
  empty: 'No workspaces found. Create one with `hangar create <name> -t <template>`.',
});

export function listCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description('List workspaces.')
    .option('-a, --all', "Include other users' workspaces (those you may see).")
    .option('--search <query>', 'Filter, e.g. "status:running template:local name:dev".');
  return output.attach(cmd).action(async (flags: { all?: boolean; search?: string }, command: Command) => {
    const client = await authedClient(command);
    const q = [flags.all ? '' : 'owner:me', flags.search ?? ''].filter(Boolean).join(' ');
    output.print(command, await allWorkspaces(client, q));
  });
}

/** Every workspace matching `q`, page by page. */
export async function allWorkspaces(client: HangarClient, q: string): Promise<Workspace[]> {
  const workspaces: Workspace[] = [];
  for (let offset = 0; ;) {
    const page = await client.workspaces.list({ q: q || undefined, limit: 100, offset });
    workspaces.push(...page.workspaces);
    offset += page.workspaces.length;
    if (page.workspaces.length === 0 || offset >= page.count) return workspaces;
  }
}
