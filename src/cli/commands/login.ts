/**
 * `hangar login [url]`: creates the first user on a fresh deployment, then logs in with a password
 * (flags or prompts) or validates a given --token, and stores the URL and session token.
 */
import { Command, Option } from 'commander';
import { HangarClient } from '../../sdk/hangar-client.js';
import { CliError, ExitCode } from '../errors.js';
import { configFilesOf, deploymentUrl, globalsOf, normalizeUrl } from '../session.js';
import { canPrompt, promptSecret, promptText } from '../ui/prompt.js';
import { createFirstUser, type FirstUserFlags } from './first-user.js';

interface LoginFlags extends FirstUserFlags {
  email?: string;
  password?: string;
}

export function loginCommand(): Command {
  const cmd = new Command('login')
    .description('Log in to a Hangar deployment, creating its first user if it has none.')
    .argument('[url]', 'URL of the deployment (default: --url, HANGAR_URL or the stored URL).')
    .option('--email <email>', 'Email to log in with (prompted on a terminal otherwise).')
    .option('--password <password>', 'Password to log in with (prompted on a terminal otherwise).');
  const firstUser: [string, string, string][] = [
    ['username', 'Username of the first user.', 'HANGAR_FIRST_USER_USERNAME'],
    ['email', 'Email of the first user.', 'HANGAR_FIRST_USER_EMAIL'],
    ['password', 'Password of the first user.', 'HANGAR_FIRST_USER_PASSWORD'],
    ['full-name', 'Full name of the first user (optional).', 'HANGAR_FIRST_USER_FULL_NAME'],
  ];
  for (const [flag, description, env] of firstUser) {
    cmd.addOption(new Option(`--first-user-${flag} <${flag}>`, description).env(env));
  }
  cmd.addOption(
    new Option('--first-user-trial', 'Record that the first user wants a trial.').env(
      'HANGAR_FIRST_USER_TRIAL',
    ),
  );
  cmd.addHelpText(
    'after',
    '\nWith the global --token, the token is checked and stored instead of logging in with a password.',
  );
  return cmd.action(async (urlArg: string | undefined, flags: LoginFlags, command: Command) => {
    const url = urlArg ? normalizeUrl(urlArg) : await deploymentUrl(command);
    if (!url) {
      throw new CliError('No deployment URL given.', {
        exitCode: ExitCode.usage,
        hint: 'Run `hangar login <url>`, e.g. `hangar login http://127.0.0.1:3000`.',
      });
    }
    const client = new HangarClient(url);
    const given = globalsOf(command).token;
    let token: string;
    if (given) {
      token = given;
    } else {
      // The first-user credentials also log in later runs, so a setup script can be re-run as is.
      let credentials = {
        email: flags.email ?? flags.firstUserEmail,
        password: flags.password ?? flags.firstUserPassword,
      };
      if (!(await client.users.hasFirstUser())) {
        credentials = await createFirstUser(client, flags);
      }
      token = await passwordLogin(client, credentials);
    }
    client.sessionToken = token;
    const me = await client.users.get('me');
    const files = configFilesOf(command);
    await files.write('url', url.toString());
    await files.write('session', token);
    process.stdout.write(`Welcome to Hangar, ${me.username}! You are logged in to ${url.toString()}.\n`);
  });
}

async function passwordLogin(
  client: HangarClient,
  given: { email?: string; password?: string },
): Promise<string> {
  let { email, password } = given;
  if ((!email || !password) && !canPrompt()) {
    throw new CliError('Cannot prompt for credentials: stdin is not a terminal.', {
      exitCode: ExitCode.usage,
      hint: 'Pass --email and --password, or a token with --token (HANGAR_SESSION_TOKEN).',
    });
  }
  email ??= await promptText('Email:');
  password ??= await promptSecret('Password:');
  const res = await client.users.login({ email, password });
  return res.session_token;
}
