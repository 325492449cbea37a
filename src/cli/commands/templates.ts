/** `hangar templates …`: create, push, inspect and manage templates. */
import { Command } from 'commander';
import { templatesDeleteCommand } from './templates/delete.js';
import { templatesEditCommand } from './templates/edit.js';
import { templatesInitCommand } from './templates/init.js';
import { templatesListCommand } from './templates/list.js';
import { templatesPullCommand } from './templates/pull.js';
import { templatesPushCommand } from './templates/push.js';
import { templatesVersionsCommand } from './templates/versions.js';

export function templatesCommand(): Command {
  return new Command('templates')
    .alias('template')
    .description('Manage templates: the Terraform that defines workspaces.')
    .addCommand(templatesInitCommand())
    .addCommand(templatesPushCommand())
    .addCommand(templatesListCommand())
    .addCommand(templatesPullCommand())
    .addCommand(templatesEditCommand())
    .addCommand(templatesVersionsCommand())
    .addCommand(templatesDeleteCommand());
}
