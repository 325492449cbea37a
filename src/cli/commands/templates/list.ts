/** `hangar templates list`: the templates the caller can see, as a table or JSON. */
import { Command } from 'commander';
import type { Template } from '../../../sdk/templates.js';
import { authedClient } from '../../session.js';
import { OutputFormatter } from '../../ui/output.js';
import { templateColumns } from './template-columns.js';

const output = new OutputFormatter<Template>({
  columns: templateColumns,
  empty: 'No templates yet. Create one with `hangar templates init` and `hangar templates push`.',
});

export function templatesListCommand(): Command {
  const cmd = new Command('list').alias('ls').description('List templates.');
  return output.attach(cmd).action(async (_opts: unknown, command: Command) => {
    const client = await authedClient(command);
    const templates = await client.templates.list();
    output.print(
      command,
      templates.sort((a, b) => a.name.localeCompare(b.name)),
    );
  });
}
