/** `hangar users delete <user>`: deletes the user and revokes their keys. */
import { Command } from 'commander';
import { authedClient } from '../../session.js';

export function usersDeleteCommand(): Command {
  return new Command('delete')
    .alias('rm')
    .description('Delete a user and revoke their sessions and tokens.')
    .argument('<user>', 'Username or user id.')
    .action(async (user: string, _opts: unknown, command: Command) => {
      const client = await authedClient(command);
      // Resolve first so the message names the user even when given an id.
      const target = await client.users.get(user);
      await client.users.delete(target.id);
      process.stdout.write(`User ${target.username} has been deleted.\n`);
    });
}
