/** `hangar users …`: manage the deployment's users. */
import { Command } from 'commander';
import { usersCreateCommand } from './users/create.js';
import { usersDeleteCommand } from './users/delete.js';
import { usersListCommand } from './users/list.js';
import { usersShowCommand } from './users/show.js';
import { usersStatusCommand } from './users/status.js';

export function usersCommand(): Command {
  return new Command('users')
    .description('Manage users.')
    .addCommand(usersListCommand())
    .addCommand(usersCreateCommand())
    .addCommand(usersShowCommand())
    .addCommand(usersStatusCommand('suspend'))
    .addCommand(usersStatusCommand('activate'))
    .addCommand(usersDeleteCommand());
}
