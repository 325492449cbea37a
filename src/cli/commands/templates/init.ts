/** `hangar templates init [dir] [--id <example>]`: start a template from one of the shipped examples. */
import { cp, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { CliError, ExitCode } from '../../errors.js';
import { OutputFormatter } from '../../ui/output.js';
import { canPrompt, promptSelect } from '../../ui/prompt.js';
import { listExamples, type TemplateExample } from './examples.js';

const output = new OutputFormatter<TemplateExample>({
  columns: [
    { name: 'id', value: (e) => e.id, default: true },
    { name: 'name', value: (e) => e.name, default: true },
    { name: 'description', value: (e) => e.description, default: true },
    { name: 'tags', value: (e) => e.tags.join(', ') },
  ],
  empty: 'No examples are installed.',
});

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

export function templatesInitCommand(): Command {
  const cmd = new Command('init')
    .description('Write a starter template into a directory (lists the examples when --id is missing).')
    .argument('[dir]', 'Directory to create (default: ./<id>).')
    .option('--id <example>', 'Example to start from, e.g. local.');
  return output
    .attach(cmd)
    .action(async (dirArg: string | undefined, flags: { id?: string }, command: Command) => {
      const examples = await listExamples();
      let id = flags.id;
      if (!id) {
        if (!canPrompt()) {
          output.print(command, examples);
          process.stderr.write('Choose one with --id, e.g. `hangar templates init --id local`.\n');
          return;
        }
        id = await promptSelect(
          'Which starter template?',
          examples.map((e) => ({ name: `${e.id}: ${e.name}`, value: e.id, description: e.description })),
          'local',
        );
      }
      const example = examples.find((e) => e.id === id);
      if (!example) {
        throw new CliError(`There is no example "${id}".`, {
          exitCode: ExitCode.usage,
          hint: `Choose from: ${examples.map((e) => e.id).join(', ')}.`,
        });
      }
      const dir = path.resolve(dirArg ?? example.id);
      if (!(await isEmptyOrMissing(dir))) {
        throw new CliError(`${dir} is not empty; refusing to write the template over its files.`, {
          exitCode: ExitCode.usage,
          hint: 'Choose a new or empty directory.',
        });
      }
      await cp(example.dir, dir, { recursive: true, errorOnExist: true, force: false });
      const rel = path.relative(process.cwd(), dir) || '.';
      process.stdout.write(
        `Wrote the "${example.id}" template to ${rel}.\nPush it with: hangar templates push ${example.id} -d ${rel}\n`,
      );
    });
}
