/** `hangar templates pull <name> [dir]`: download a version's files (the active one by default). */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { extractTemplateArchive } from '../../../sdk/template-archive.js';
import { CliError, ExitCode } from '../../errors.js';
import { authedClient } from '../../session.js';
import { getTemplate, getVersion } from './template-lookup.js';

interface PullFlags {
  version?: string;
  tar?: boolean;
  org?: string;
}

export function templatesPullCommand(): Command {
  return new Command('pull')
    .description("Download a template version's files into a directory, or as a tar on stdout.")
    .argument('<name>', 'Template name.')
    .argument('[dir]', 'Directory to write (default: ./<name>); must be new or empty.')
    .option('--version <name>', 'Version to download (default: the active version).')
    .option('--tar', 'Write the tar archive to stdout instead of extracting it.')
    .option('-O, --org <organization>', 'Organization (default: your default organization).')
    .action(async (name: string, dirArg: string | undefined, flags: PullFlags, command: Command) => {
      const client = await authedClient(command);
      const template = await getTemplate(client, name, flags.org);
      const version = await getVersion(client, template, flags.version);
      if (!version.job.file_id) throw new CliError(`Version ${version.name} has no files.`);
      const tar = await client.templates.downloadFile(version.job.file_id);
      if (flags.tar) {
        process.stdout.write(tar);
        return;
      }
      const dir = path.resolve(dirArg ?? name);
      const existing = await readdir(dir).catch(() => []);
      if (existing.length > 0) {
        throw new CliError(`${dir} is not empty; refusing to overwrite its files.`, {
          exitCode: ExitCode.usage,
          hint: 'Choose a new or empty directory, or use --tar.',
        });
      }
      const entries = await extractTemplateArchive(tar, dir);
      process.stdout.write(
        `Wrote version ${version.name} of "${name}" (${entries.length} entries) to ${path.relative(process.cwd(), dir) || '.'}.\n`,
      );
    });
}
