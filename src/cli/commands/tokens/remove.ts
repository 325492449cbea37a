/** `hangar tokens remove <name|id>`: deletes a token, found by name first and then by id. */
import { Command } from 'commander';
import { HangarError } from '../../../sdk/errors.js';
import { authedClient } from '../../session.js';

export function tokensRemoveCommand(): Command {
  return new Command('remove')
    .aliases(['rm', 'delete'])
    .description('Delete an API token by name or id.')
    .argument('<token>', 'Token name or id.')
    .option('-u, --user <user>', "Remove another user's token (needs the right role).", 'me')
    .action(async (nameOrId: string, opts: { user: string }, command: Command) => {
      const client = await authedClient(command);
      let id = nameOrId;
      try {
        id = (await client.users.getToken(opts.user, nameOrId)).id;
      } catch (err) {
        // Not a name: treat it as an id, whose own 404 then says the token does not exist.
        if (!(err instanceof HangarError && err.code === 'not_found')) throw err;
      }
      await client.users.deleteKey(opts.user, id);
      process.stdout.write(`Token ${nameOrId} has been deleted.\n`);
    });
}
