/** `hangar whoami`: which deployment and user the current session belongs to. */
import { Command } from 'commander';
import type { User } from '../../sdk/users.js';
import { authedClient } from '../session.js';
import { OutputFormatter } from '../ui/output.js';
import { singleUserColumns } from './users/user-columns.js';

interface WhoAmI extends User {
  url: string;
}

const output = new OutputFormatter<WhoAmI>({
  columns: [{ name: 'url', value: (w) => w.url, default: true }, ...singleUserColumns],
  text: (w) => `Hangar is running at ${w.url}, you are authenticated as ${w.username}.`,
});

export function whoamiCommand(): Command {
  const cmd = new Command('whoami').description('Show the deployment URL and the user you are logged in as.');
  return output.attach(cmd).action(async (_opts: unknown, command: Command) => {
    const client = await authedClient(command);
    const me = await client.users.get('me');
    output.print(command, { url: client.url.toString(), ...me });
  });
}
