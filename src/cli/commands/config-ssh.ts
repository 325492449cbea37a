/**
 * `hangar config-ssh`: writes a `Host hangar.<workspace>` entry per workspace of the user into a
 * managed section of ~/.ssh/config, whose ProxyCommand is `hangar ssh --stdio`, so `ssh`, `scp`,
 * `rsync` and VS Code Remote-SSH reach workspaces by name. Shows the change as a diff and asks
 * first (unless -y); `--dry-run` only shows it. The file is replaced atomically, keeping its mode.
 */
import { realpathSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { HangarClient } from '../../sdk/hangar-client.js';
import { InvalidInput } from '../../sdk/errors.js';
import type { Workspace } from '../../sdk/workspaces.js';
import { writeFileAtomic } from '../atomic-write.js';
import { resolveConfigDir } from '../config-dir.js';
import { authedClient, configFilesOf, globalsOf } from '../session.js';
import { confirmOrRefuse } from '../ui/prompt.js';
import { unifiedDiff } from '../ui/line-diff.js';
import { replaceManagedSection } from './config-ssh/managed-section.js';
import {
  checkHostPart,
  parseSshOption,
  renderSshConfigBlock,
  type SshHost,
} from './config-ssh/ssh-config-block.js';
import { allWorkspaces } from './workspaces/list.js';

interface ConfigSshFlags {
  sshConfigFile: string;
  sshHostPrefix: string;
  sshOption?: string[];
  hangarBinaryPath?: string;
  dryRun?: boolean;
  yes?: boolean;
}

const expandHome = (p: string) => (p === '~' || p.startsWith('~/') ? path.join(homedir(), p.slice(1)) : p);

/** How the ProxyCommand runs this same hangar: node and the script, or a self-contained binary. */
function hangarCommand(binaryPath: string | undefined): string[] {
  if (binaryPath) return [path.resolve(binaryPath)];
  const script = process.argv[1];
  if (!script || script === process.execPath) return [process.execPath];
  return [process.execPath, realpathSync(script)];
}

/**
 * One host per workspace, or one per agent when it has several. A stopped workspace has no agents
 * in its latest build, so its template version's resources say which it will have.
 */
async function sshHosts(client: HangarClient, workspaces: Workspace[]): Promise<SshHost[]> {
  const hosts: SshHost[] = [];
  for (const ws of workspaces) {
    let agents = ws.latest_build.resources.flatMap((r) => r.agents).map((a) => a.name);
    if (agents.length === 0)
      agents = (await client.templates.versionResources(ws.latest_build.template_version_id))
        .flatMap((r) => r.agents)
        .map((a) => a.name);
    const names = agents.length === 1 ? [ws.name] : agents.map((a) => `${ws.name}.${a}`);
    for (const name of names) {
      try {
        for (const part of name.split('.')) checkHostPart('workspace', part);
        hosts.push({ alias: name, target: name });
      } catch (err) {
        if (!(err instanceof InvalidInput)) throw err;
        process.stderr.write(`Skipping ${JSON.stringify(name)}: ${err.validations[0]?.detail}\n`);
      }
    }
  }
  return hosts.sort((a, b) => a.alias.localeCompare(b.alias));
}

export function configSshCommand(): Command {
  return new Command('config-ssh')
    .description(
      'Add an SSH host for each of your workspaces to ~/.ssh/config (for ssh, scp and VS Code Remote-SSH).',
    )
    .addOption(
      new Option('--ssh-config-file <path>', 'The SSH config file to edit.')
        .env('HANGAR_SSH_CONFIG_FILE')
        .default('~/.ssh/config'),
    )
    .addOption(
      new Option('--ssh-host-prefix <prefix>', 'What each host name starts with.')
        .env('HANGAR_SSH_HOST_PREFIX')
        .default('hangar.'),
    )
    .option(
      '-o, --ssh-option <Keyword=value>',
      'An extra option for every host, e.g. ForwardAgent=yes (repeatable).',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--hangar-binary-path <path>', 'The hangar executable the ProxyCommand runs (default: this one).')
    .option('-n, --dry-run', 'Show the changes without writing them.')
    .option('-y, --yes', 'Write the changes without asking.')
    .action(async (flags: ConfigSshFlags, cmd: Command) => {
      const extraOptions = (flags.sshOption ?? []).map(parseSshOption);
      const client = await authedClient(cmd);
      const configDir = resolveConfigDir(globalsOf(cmd).globalConfig);
      const file = path.resolve(expandHome(flags.sshConfigFile));
      const before = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      });
      const hosts = await sshHosts(client, await allWorkspaces(client, 'owner:me'));
      const block = renderSshConfigBlock({
        hosts,
        hostPrefix: flags.sshHostPrefix,
        hangarCommand: hangarCommand(flags.hangarBinaryPath),
        configDir,
        extraOptions,
      });
      const after = replaceManagedSection(before, block, file);
      if (!(await configFilesOf(cmd).read('session')))
        process.stderr.write(
          `Warning: ${configDir} holds no session, which the ProxyCommand needs; run \`hangar login\` first.\n`,
        );
      if (after === before) {
        process.stdout.write(`No changes to make to ${file}.\n`);
        return;
      }
      process.stdout.write(unifiedDiff(before, after, { old: file, new: file }));
      if (flags.dryRun) {
        process.stdout.write('Dry run: nothing was written.\n');
        return;
      }
      await confirmOrRefuse(`Update ${file}?`, flags.yes);
      const mode = (await stat(file).catch(() => undefined))?.mode;
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, after, mode === undefined ? 0o600 : mode & 0o777);
      const example = hosts[0] ? `ssh ${flags.sshHostPrefix}${hosts[0].alias}` : undefined;
      process.stdout.write(
        `Updated ${file}: ${hosts.length} host${hosts.length === 1 ? '' : 's'}.${example ? ` Try \`${example}\`.` : ''}\n`,
      );
    });
}
