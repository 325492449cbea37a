/**
 * Creating the first user during `hangar login`, as `coder login` does on a fresh deployment:
 * from --first-user-* flags (or HANGAR_FIRST_USER_* variables), else prompts on a terminal.
 */
import type { ZodType } from 'zod';
import type { HangarClient } from '../../sdk/hangar-client.js';
import type { CreateFirstUserRequest } from '../../sdk/users.js';
import { email as emailRule, passwordProblem, username as usernameRule } from '../../sdk/validation.js';
import { CliError, ExitCode } from '../errors.js';
import { canPrompt, promptSecret, promptText } from '../ui/prompt.js';

export interface FirstUserFlags {
  firstUserUsername?: string;
  firstUserEmail?: string;
  firstUserPassword?: string;
  firstUserFullName?: string;
  firstUserTrial?: boolean;
}

const problem = (rule: ZodType) => (value: string) => {
  const result = rule.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
};

export const firstUserFlagHelp =
  '--first-user-username, --first-user-email and --first-user-password ' +
  '(or HANGAR_FIRST_USER_USERNAME, HANGAR_FIRST_USER_EMAIL and HANGAR_FIRST_USER_PASSWORD)';

/** Fills in what the flags left out by asking, or fails naming the flags when nobody can answer. */
export async function firstUserRequest(flags: FirstUserFlags): Promise<CreateFirstUserRequest> {
  const { firstUserUsername: username, firstUserEmail: email, firstUserPassword: password } = flags;
  if (username && email && password) {
    return { username, email, password, name: flags.firstUserFullName, trial: flags.firstUserTrial };
  }
  if (!canPrompt()) {
    throw new CliError('This deployment has no users yet, and the first user cannot be prompted for.', {
      exitCode: ExitCode.usage,
      detail: 'stdin is not a terminal.',
      hint: `Pass ${firstUserFlagHelp}.`,
    });
  }
  process.stderr.write(
    'Welcome to Hangar! This deployment has no users yet; create the first (owner) account.\n',
  );
  const req: CreateFirstUserRequest = {
    username:
      username ??
      (await promptText('Username:', { default: defaultUsername(), validate: problem(usernameRule) })),
    email: email ?? (await promptText('Email:', { validate: problem(emailRule) })),
    password: password ?? (await promptNewPassword()),
    name: flags.firstUserFullName ?? ((await promptText('Full name (optional):')) || undefined),
    trial: flags.firstUserTrial,
  };
  return req;
}

async function promptNewPassword(): Promise<string> {
  for (;;) {
    const first = await promptSecret('Password:', passwordProblem);
    const again = await promptSecret('Confirm password:');
    if (first === again) return first;
    process.stderr.write('Passwords do not match; try again.\n');
  }
}

function defaultUsername(): string | undefined {
  const name = (process.env.USER ?? '').toLowerCase().replace(/[^a-z0-9-]/g, '');
  return problem(usernameRule)(name) ? undefined : name;
}

/** Creates the first user and returns the credentials to log in with. */
export async function createFirstUser(
  client: HangarClient,
  flags: FirstUserFlags,
): Promise<{ email: string; password: string }> {
  const req = await firstUserRequest(flags);
  if (req.trial === undefined) delete req.trial;
  if (req.name === undefined) delete req.name;
  await client.users.createFirstUser(req);
  process.stderr.write(`Created the first user "${req.username}".\n`);
  return { email: req.email, password: req.password };
}
