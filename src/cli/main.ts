/** Entry point of the `hangar` command. The only place that calls process.exit (house style 27). */
import { hangarVersion } from '../sdk/version.js';
import { buildRootCommand, isVersionRequest } from './root.js';
import { exitCodeFor, printError } from './errors.js';

async function main(): Promise<number> {
  if (isVersionRequest(process.argv.slice(2))) {
    process.stdout.write(`${hangarVersion}\n`);
    return 0;
  }
  try {
    await buildRootCommand().parseAsync(process.argv);
    return 0;
  } catch (err) {
    printError(err);
    return exitCodeFor(err);
  }
}

const code = await main();
// Let stdout/stderr drain, then exit even if a handle (a socket, a timer) is still open.
process.exitCode = code;
setImmediate(() => process.exit(code));
