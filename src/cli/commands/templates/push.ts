/**
 * `hangar templates push [name]`: tar the directory, upload it, create a template version, stream
 * its import logs, then create the template (first push) or make the version active.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { ProvisionerType } from '../../../sdk/provisioner-jobs.js';
import { provisionerTypes } from '../../../sdk/provisioner-jobs.js';
import { packTemplateDirectory } from '../../../sdk/template-archive.js';
import type { CreateTemplateVersionRequest } from '../../../sdk/templates.js';
import { CliError, ExitCode } from '../../errors.js';
import { boolFlag } from '../../flag-parsers.js';
import { collectKeyValue, readValuesFile } from '../../key-values.js';
import { authedClient } from '../../session.js';
import { followJob, formatSeconds, jobFailure } from '../../ui/job-logs.js';
import { canPrompt, promptConfirm } from '../../ui/prompt.js';
import { findTemplate, resolveOrganization } from './template-lookup.js';

interface PushFlags {
  directory: string;
  /** From `--var`/`--variable`: commander names the option after its last long flag. */
  variable?: Record<string, string>;
  variablesFile?: string;
  provisionerTag?: Record<string, string>;
  name?: string;
  message?: string;
  activate: boolean;
  yes?: boolean;
  org?: string;
  provisioner: ProvisionerType;
}

export function templatesPushCommand(): Command {
  return new Command('push')
    .description('Create or update a template from a directory: each push is a new version.')
    .argument('[name]', 'Template name (default: the directory name).')
    .option('-d, --directory <dir>', 'Directory holding the template.', '.')
    .option(
      '--var, --variable <name=value>',
      'A Terraform variable value (repeatable).',
      collectKeyValue('--var'),
    )
    .option('--variables-file <file>', 'A YAML or JSON file of Terraform variable values.')
    .option(
      '--provisioner-tag <key=value>',
      "A tag routing the import to matching provisioners (repeatable; default: the active version's).",
      collectKeyValue('--provisioner-tag'),
    )
    .option('--name <version>', 'Name of the new version (default: generated).')
    .option('-m, --message <text>', 'A message describing the version.')
    .addOption(
      new Option('--activate [bool]', 'Make the new version active.')
        .argParser(boolFlag('--activate'))
        .default(true),
    )
    .option('-y, --yes', 'Do not ask for confirmation.')
    .option('-O, --org <organization>', 'Organization (default: your default organization).')
    .addOption(
      new Option('--provisioner <type>', 'Provisioner that imports the template.')
        .choices(provisionerTypes)
        .default('terraform')
        .hideHelp(),
    )
    .action(async (nameArg: string | undefined, flags: PushFlags, command: Command) => {
      const client = await authedClient(command);
      const dir = path.resolve(flags.directory);
      const info = await stat(dir).catch(() => undefined);
      if (!info?.isDirectory()) {
        throw new CliError(`${flags.directory} is not a directory.`, { exitCode: ExitCode.usage });
      }
      const name = nameArg ?? path.basename(dir);
      const org = await resolveOrganization(client, flags.org);
      const existing = await findTemplate(client, org, name);

      if (!flags.yes && canPrompt()) {
        const what = existing ? `a new version of template "${name}"` : `the new template "${name}"`;
        if (!(await promptConfirm(`Upload ${dir} as ${what}?`, true))) {
          throw new CliError('Cancelled.', { exitCode: ExitCode.interrupted });
        }
      }

      const values = {
        ...(flags.variablesFile ? await readValuesFile(flags.variablesFile) : {}),
        ...flags.variable,
      };
      let tags = flags.provisionerTag;
      if (!tags && existing) {
        tags = (await client.templates.version(existing.active_version_id)).job.tags;
      }

      const tar = await packTemplateDirectory(dir);
      process.stderr.write(`Uploading ${dir} (${Math.ceil(tar.length / 1024)} KiB)…\n`);
      const { hash } = await client.templates.uploadFile(tar);
      const req: CreateTemplateVersionRequest = {
        file_id: hash,
        storage_method: 'file',
        provisioner: flags.provisioner,
        template_id: existing?.id,
        name: flags.name,
        message: flags.message,
        tags,
        user_variable_values: Object.entries(values).map(([k, v]) => ({ name: k, value: v })),
      };
      const version = await client.templates.createVersion(org.id, req);
      const followed = await followJob(
        client,
        {
          followUrl: (after) => client.templates.followVersionLogsUrl(version.id, after),
          logs: (after) => client.templates.versionLogs(version.id, after),
          job: async () => (await client.templates.version(version.id)).job,
        },
        `Importing template "${name}"`,
      );
      if (followed.job.status !== 'succeeded') throw jobFailure(`Importing template "${name}"`, followed);

      const took = formatSeconds(followed.elapsedMs);
      if (!existing) {
        await client.templates.create(org.id, { name, template_version_id: version.id });
        process.stdout.write(
          `Template "${name}" created with version ${version.name} (imported in ${took}).\n`,
        );
      } else if (flags.activate) {
        await client.templates.promote(existing.id, version.id);
        process.stdout.write(
          `Template "${name}" updated: version ${version.name} is now active (imported in ${took}).\n`,
        );
      } else {
        process.stdout.write(
          `Template "${name}": version ${version.name} imported in ${took}; the active version is unchanged.\n`,
        );
      }
    });
}
