/** `hangar templates delete <name>`: only templates with no workspaces can be deleted. */
import { Command } from 'commander';
import { authedClient } from '../../session.js';
import { confirmOrRefuse } from '../../ui/prompt.js';
import { getTemplate } from './template-lookup.js';

export function templatesDeleteCommand(): Command {
  return new Command('delete')
    .alias('rm')
    .description('Delete a template (it must have no workspaces).')
    .argument('<name>', 'Template name.')
    .option('-y, --yes', 'Do not ask for confirmation.')
    .option('-O, --org <organization>', 'Organization (default: your default organization).')
    .action(async (name: string, flags: { yes?: boolean; org?: string }, command: Command) => {
      const client = await authedClient(command);
      const template = await getTemplate(client, name, flags.org);
      await confirmOrRefuse(`Delete template "${template.name}" and all its versions?`, flags.yes);
      await client.templates.delete(template.id);
      process.stdout.write(`Template "${template.name}" has been deleted.\n`);
    });
}
