/** `hangar tokens list`: the caller's named tokens (never their secrets). */
import { Command } from 'commander';
import type { APIKey } from '../../../sdk/users.js';
import { authedClient } from '../../session.js';
import { OutputFormatter } from '../../ui/output.js';
import { tokenColumns } from './token-columns.js';

const output = new OutputFormatter<APIKey>({
  columns: tokenColumns,
  empty: 'No tokens found. Create one with `hangar tokens create`.',
});

export function tokensListCommand(): Command {
  const cmd = new Command('list')
    .alias('ls')
    .description('List API tokens.')
    .option('-u, --user <user>', "List another user's tokens (needs the right role).", 'me');
  return output.attach(cmd).action(async (opts: { user: string }, command: Command) => {
    const client = await authedClient(command);
    output.print(command, await client.users.listTokens(opts.user));
  });
}
