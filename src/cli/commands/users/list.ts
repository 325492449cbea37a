/** `hangar users list`: every user the caller may see, as a table or JSON. */
import { Command } from 'commander';
import type { User } from '../../../sdk/users.js';
import { authedClient } from '../../session.js';
import { OutputFormatter } from '../../ui/output.js';
import { userColumns } from './user-columns.js';

const output = new OutputFormatter<User>({ columns: userColumns, empty: 'No users found.' });

export async function listUsers(command: Command, search?: string): Promise<User[]> {
  const client = await authedClient(command);
  const users: User[] = [];
  // Page through so large deployments are listed whole, as `coder users list` does.
  for (let offset = 0; ;) {
    const page = await client.users.list({ q: search, limit: 1000, offset });
    users.push(...page.users);
    offset += page.users.length;
    if (page.users.length === 0 || offset >= page.count) return users;
  }
}

export function usersListCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description('List users.')
    .option('-s, --search <query>', 'Filter, e.g. "status:suspended" or part of a name or email.');
  return output.attach(cmd).action(async (opts: { search?: string }, command: Command) => {
    output.print(command, await listUsers(command, opts.search));
  });
}
