/**
 * `hangar port-forward <workspace>[.agent] --tcp [bind:]local:remote`: listens on local ports and
 * carries each connection to 127.0.0.1:<remote> inside the workspace over a tunnel stream through
 * coderd, until Ctrl-C. Reverse forwarding is `ssh -R`; UDP is not carried (the tunnel is streams
 * only).
 */
import { Command } from 'commander';
import { tcpTarget } from '../../sdk/tunnel/target.js';
import { collectCommaList } from '../comma-list.js';
import { CliError, ExitCode } from '../errors.js';
import { authedClient } from '../session.js';
import { hostPort, parsePortSpecs } from './port-forward/port-spec.js';
import { TcpForwarder } from './port-forward/tcp-forwarder.js';
import { dialAgent, resolveAgent } from './workspaces/agent-connection.js';

interface PortForwardFlags {
  tcp?: string[];
  disableAutostart?: boolean;
}

/** Resolves on the first SIGINT or SIGTERM. */
function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export function portForwardCommand(): Command {
  return new Command('port-forward')
    .alias('tunnel')
    .description('Forward local TCP ports to ports inside a workspace.')
    .argument('<workspace>', 'NAME, OWNER/NAME, or either with .AGENT')
    .option(
      '--tcp <[bind:]local:remote>',
      'Ports to forward, e.g. 8080, 8080:3000, 127.0.0.1:8080:3000 or 8000-8005:9000-9005 (repeatable, comma-separated).',
      collectCommaList,
    )
    .option('--disable-autostart', 'Fail instead of starting a stopped workspace.')
    .action(async (ref: string, flags: PortForwardFlags, cmd: Command) => {
      const specs = flags.tcp ?? [];
      if (specs.length === 0)
        throw new CliError('Nothing to forward: pass at least one --tcp.', {
          exitCode: ExitCode.usage,
          hint: 'For example: hangar port-forward dev --tcp 8080:3000',
        });
      const mappings = parsePortSpecs(specs);
      const client = await authedClient(cmd);
      const agent = await resolveAgent(client, ref, { autostart: !flags.disableAutostart });
      const warn = (line: string) => process.stderr.write(`${line}\n`);
      await using forwarder = new TcpForwarder(
        (port) => dialAgent(client, agent.id, tcpTarget('127.0.0.1', port), { bulk: true }),
        warn,
      );
      for (const m of mappings) {
        await forwarder.listen(m);
        warn(
          `Forwarding ${hostPort(m.bindHost, m.localPort)} to port ${m.remotePort} in ${ref} (--tcp ${m.spec}).`,
        );
      }
      warn('Ready; press Ctrl-C to stop.');
      await interrupted();
      warn('Stopping.');
    });
}
