/** `hangar version`: the CLI's version and the Node.js runtime it runs on. */
import { Command } from 'commander';
import { hangarVersion } from '../../sdk/version.js';
import { OutputFormatter } from '../ui/output.js';

interface VersionInfo {
  version: string;
  node: string;
}

const output = new OutputFormatter<VersionInfo>({
  columns: [
    { name: 'version', value: (v) => v.version, default: true },
    { name: 'node', value: (v) => v.node, default: true },
  ],
  text: (v) => `Hangar ${v.version}`,
});

export function versionCommand(): Command {
  const cmd = new Command('version').description('Print the version.');
  return output.attach(cmd).action((_opts: unknown, command: Command) => {
    output.print(command, { version: hangarVersion, node: process.version });
  });
}
