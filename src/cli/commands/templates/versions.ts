/** `hangar templates versions list|promote`: a template's versions and which one is active. */
import { Command } from 'commander';
import { authedClient } from '../../session.js';
import { OutputFormatter } from '../../ui/output.js';
import { versionColumns, type VersionRow } from './template-columns.js';
import { getTemplate } from './template-lookup.js';

const output = new OutputFormatter<VersionRow>({ columns: versionColumns, empty: 'No versions.' });

function versionsListCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description("List a template's versions, newest first.")
    .argument('<template>', 'Template name.')
    .option('-O, --org <organization>', 'Organization (default: your default organization).');
  return output.attach(cmd).action(async (name: string, flags: { org?: string }, command: Command) => {
    const client = await authedClient(command);
    const template = await getTemplate(client, name, flags.org);
    const versions = await client.templates.versions(template.id);
    const rows = versions
      .map((v) => ({ ...v, active: v.id === template.active_version_id }))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    output.print(command, rows);
  });
}

function versionsPromoteCommand(): Command {
  return new Command('promote')
    .description('Make a version the one new workspaces and updates use.')
    .argument('<template>', 'Template name.')
    .argument('<version>', 'Version name.')
    .option('-O, --org <organization>', 'Organization (default: your default organization).')
    .action(async (name: string, versionName: string, flags: { org?: string }, command: Command) => {
      const client = await authedClient(command);
      const template = await getTemplate(client, name, flags.org);
      const version = await client.templates.versionByName(template.id, versionName);
      await client.templates.promote(template.id, version.id);
      process.stdout.write(`Version ${version.name} of "${template.name}" is now active.\n`);
    });
}

export function templatesVersionsCommand(): Command {
  return new Command('versions')
    .description("Manage a template's versions.")
    .addCommand(versionsListCommand())
    .addCommand(versionsPromoteCommand());
}
