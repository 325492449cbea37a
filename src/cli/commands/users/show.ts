/** `hangar users show <user>`: one user by "me", username or id. */
import { Command } from 'commander';
import type { User } from '../../../sdk/users.js';
import { authedClient } from '../../session.js';
import { OutputFormatter } from '../../ui/output.js';
import { singleUserColumns } from './user-columns.js';

const output = new OutputFormatter<User>({ columns: singleUserColumns });

export function usersShowCommand(): Command {
  const cmd = new Command('show')
    .description('Show a user.')
    .argument('<user>', 'Username, user id or "me".');
  return output.attach(cmd).action(async (user: string, _opts: unknown, command: Command) => {
    const client = await authedClient(command);
    output.print(command, await client.users.get(user));
  });
}
