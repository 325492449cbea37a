/**
 * Hidden `hangar exp example-error <kind>`: throws each kind of error so people (and the golden
 * files) can see how the one error printer renders it, as Coder's `exp example-error`.
 */
import { Argument, Command } from 'commander';
import { Conflict, InvalidInput, NotFound, Unauthenticated, Unavailable } from '../../../sdk/errors.js';
import { CliError, ExitCode } from '../../errors.js';

const examples: Record<string, () => Error> = {
  api: () => new NotFound('User "alice" not found.', { detail: 'No user has that username, id or email.' }),
  validation: () =>
    new InvalidInput('Validation failed. Invalid fields: username, password.', {
      validations: [
        { field: 'username', detail: 'Must be letters and digits, optionally separated by single hyphens.' },
        {
          field: 'password',
          detail: 'Too weak: use a longer password or mix upper and lower case letters, digits and symbols.',
        },
      ],
    }),
  unauthenticated: () => new Unauthenticated('You must be logged in to do this.'),
  conflict: () =>
    new Conflict('A user with this username already exists.', {
      validations: [{ field: 'username', detail: 'Already taken.' }],
    }),
  wrapped: () =>
    new CliError('Could not store the session token.', {
      cause: new Unavailable('Could not reach http://127.0.0.1:3000.', {
        detail: 'connect ECONNREFUSED 127.0.0.1:3000',
      }),
    }),
  multiple: () =>
    new AggregateError(
      [new NotFound('Template "docker" not found.'), InvalidInput.field('name', 'Must not be empty.')],
      '2 errors occurred.',
    ),
  cli: () =>
    new CliError('You are not logged in. Run `hangar login <url>`.', { exitCode: ExitCode.unauthenticated }),
  unexpected: () => new TypeError('Cannot read properties of undefined (reading "id")'),
};

export function exampleErrorCommand(): Command {
  return new Command('example-error')
    .description('Print an example of each kind of error.')
    .addArgument(new Argument('<kind>', 'Kind of error.').choices(Object.keys(examples)))
    .action((kind: string) => {
      throw (examples[kind] ?? examples.api!)();
    });
}

export function expCommand(): Command {
  return new Command('exp')
    .description('Experimental and internal commands.')
    .addCommand(exampleErrorCommand());
}
