/**
 * `hangar users create`: flags, else prompts on a terminal. Without --password (and with login type
 * password) a strong random password is generated and printed once, as `coder users create` does.
 */
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import type { CreateUserRequest, User } from '../../../sdk/users.js';
import { CliError, ExitCode } from '../../errors.js';
import { authedClient } from '../../session.js';
import { OutputFormatter } from '../../ui/output.js';
import { canPrompt, promptText } from '../../ui/prompt.js';
import { singleUserColumns } from './user-columns.js';

interface CreateFlags {
  username?: string;
  email?: string;
  fullName?: string;
  password?: string;
  loginType: 'password' | 'none';
  role?: string[];
}

function generatePassword(): string {
  // 24 base64url characters (144 bits) plus a class of each kind, well above the entropy rule.
  return `${randomBytes(18).toString('base64url')}aZ9!`;
}

export function usersCreateCommand(): Command {
  let generated: string | undefined;
  const output = new OutputFormatter<User>({
    columns: singleUserColumns,
    text: (u) =>
      `Created user ${u.username} (${u.email}).` +
      (generated ? `\nPassword: ${generated}\nShare it with them securely; it is not shown again.` : ''),
  });
  const cmd = new Command('create')
    .description('Create a user.')
    .option('-u, --username <username>', 'Username (prompted on a terminal if missing).')
    .option('-e, --email <email>', 'Email (prompted on a terminal if missing).')
    .option('-n, --full-name <name>', 'Full name.')
    .option('-p, --password <password>', 'Password (generated and printed if missing).')
    .addOption(
      new Option('--login-type <type>', 'How the user logs in.')
        .choices(['password', 'none'])
        .default('password'),
    )
    .addOption(
      new Option(
        '--role <role...>',
        'Site role to grant beyond member (repeatable): owner, template-admin, user-admin, auditor.',
      ),
    );
  return output.attach(cmd).action(async (flags: CreateFlags, command: Command) => {
    const client = await authedClient(command);
    const username = flags.username ?? (await ask('Username:', '--username'));
    const email = flags.email ?? (await ask('Email:', '--email'));
    const req: CreateUserRequest = { username, email, login_type: flags.loginType };
    if (flags.fullName) req.name = flags.fullName;
    if (flags.role?.length) req.roles = flags.role.flatMap((r) => r.split(',')).map((r) => r.trim());
    if (flags.loginType === 'password') {
      if (flags.password === undefined) generated = generatePassword();
      req.password = flags.password ?? generated;
    }
    const user = await client.users.create(req);
    if (generated && command.opts<{ output?: string }>().output !== 'text') {
      process.stderr.write(`Generated password for ${user.username}: ${generated}\n`);
    }
    output.print(command, user);
  });
}

async function ask(message: string, flag: string): Promise<string> {
  if (!canPrompt()) {
    throw new CliError(`Missing ${flag}.`, {
      exitCode: ExitCode.usage,
      hint: 'Pass --username and --email (stdin is not a terminal, so they cannot be prompted for).',
    });
  }
  return promptText(message);
}
