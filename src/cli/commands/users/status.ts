/** `hangar users suspend|activate <user>`: a suspended user's sessions and tokens stop working at once. */
import { Command } from 'commander';
import { authedClient } from '../../session.js';

export function usersStatusCommand(verb: 'suspend' | 'activate'): Command {
  const description =
    verb === 'suspend'
      ? 'Suspend a user: they can no longer log in and their tokens stop working.'
      : 'Activate a suspended user.';
  return new Command(verb)
    .description(description)
    .argument('<user>', 'Username, user id or "me".')
    .action(async (user: string, _opts: unknown, command: Command) => {
      const client = await authedClient(command);
      const updated =
        verb === 'suspend' ? await client.users.suspend(user) : await client.users.activate(user);
      process.stdout.write(`User ${updated.username} is now ${updated.status}.\n`);
    });
}
