/** `hangar show <workspace>`: status, then each resource with its metadata, agents and apps. */
import { Command, Option } from 'commander';
import type { Workspace, WorkspaceAgent, WorkspaceResource } from '../../../sdk/workspaces.js';
import { authedClient } from '../../session.js';
import { formatAgo } from '../../ui/format.js';
import { getWorkspace } from './workspace-ref.js';

function agentLines(agent: WorkspaceAgent): string[] {
  const lines = [
    `    agent ${agent.name}: ${agent.status}, ${agent.lifecycle_state} (${agent.operating_system}/${agent.architecture})` +
      (agent.expanded_directory || agent.directory
        ? ` in ${agent.expanded_directory || agent.directory}`
        : ''),
  ];
  for (const app of agent.apps.filter((a) => !a.hidden)) {
    const target = app.url ?? (app.command ? `command: ${app.command}` : '');
    lines.push(
      `      app ${app.slug}${app.display_name && app.display_name !== app.slug ? ` (${app.display_name})` : ''}: ${target}`,
    );
  }
  return lines;
}

function resourceLines(r: WorkspaceResource): string[] {
  const lines = [`  ${r.type}.${r.name}${r.daily_cost ? ` (cost ${r.daily_cost}/day)` : ''}`];
  for (const m of r.metadata) lines.push(`    ${m.key}: ${m.sensitive ? '(sensitive)' : m.value}`);
  for (const a of r.agents) lines.push(...agentLines(a));
  return lines;
}

export function describeWorkspace(w: Workspace): string {
  const b = w.latest_build;
  const lines = [
    `${w.owner_name}/${w.name}: ${b.status}`,
    `  template ${w.template_name}, version ${b.template_version_name}${w.outdated ? ' (outdated: run `hangar update`)' : ''}`,
    `  last build #${b.build_number} (${b.transition}) ${formatAgo(b.created_at)} by ${b.initiator_name}`,
  ];
  if (b.job.error) lines.push(`  error: ${b.job.error}`);
  const resources = b.resources.filter((r) => !r.hide);
  lines.push(resources.length ? 'Resources:' : 'No resources.');
  for (const r of resources) lines.push(...resourceLines(r));
  return `${lines.join('\n')}\n`;
}

export function showCommand(): Command {
  return new Command('show')
    .description("Show a workspace's status, resources, agents and apps.")
    .argument('<workspace>', 'Workspace name or owner/name.')
    .addOption(
      new Option('-o, --output <format>', 'Output format.').choices(['text', 'json']).default('text'),
    )
    .action(async (ref: string, flags: { output: string }, command: Command) => {
      const client = await authedClient(command);
      const workspace = await getWorkspace(client, ref);
      process.stdout.write(
        flags.output === 'json' ? `${JSON.stringify(workspace, null, 2)}\n` : describeWorkspace(workspace),
      );
    });
}
