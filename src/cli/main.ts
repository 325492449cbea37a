/** Entry point of the `hangar` command. The only place that calls process.exit (house style 27). */
import { buildRootCommand } from './root.js';
import { exitCodeFor, printError } from './errors.js';

async function main(): Promise<number> {
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
