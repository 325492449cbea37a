/** `hangar tokens …`: long-lived API tokens for scripts and CI. */
import { Command } from 'commander';
import { tokensCreateCommand } from './tokens/create.js';
import { tokensListCommand } from './tokens/list.js';
import { tokensRemoveCommand } from './tokens/remove.js';

export function tokensCommand(): Command {
  return new Command('tokens')
    .description('Manage API tokens.')
    .addCommand(tokensCreateCommand())
    .addCommand(tokensListCommand())
    .addCommand(tokensRemoveCommand());
}
