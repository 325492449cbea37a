/** Options the provisioner commands share: `-O/--org` and the repeatable `-t/--tag key=value`. */
import { Option } from 'commander';
import { parseTagFlags, type ProvisionerTags } from '../../sdk/provisioner-tags.js';
import { CliError, ExitCode } from '../errors.js';
import { collectCommaList } from '../comma-list.js';

export function organizationOption(): Option {
  return new Option('-O, --org <organization>', 'Organization name or id.')
    .env('HANGAR_ORGANIZATION')
    .default('default');
}

/** Repeatable; an environment variable may hold several pairs separated by commas. */
export function tagOption(description: string, env?: string): Option {
  const opt = new Option('-t, --tag <key=value>', description).argParser(collectCommaList);
  return env ? opt.env(env) : opt;
}

export function parseTags(values: string[] | undefined): ProvisionerTags {
  try {
    return parseTagFlags(values ?? []);
  } catch (err) {
    throw new CliError((err as Error).message, {
      exitCode: ExitCode.usage,
      hint: 'Pass tags as --tag key=value.',
    });
  }
}
