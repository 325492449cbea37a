/**
 * `hangar scaletest workspace-traffic` (Coder's `exp scaletest workspace-traffic`): opens
 * `--concurrency` connections to the agents of the running scale-test workspaces (one workspace
 * each, reused round-robin when there are fewer) and sends `--bytes-per-tick` bytes
 * `--ticks-per-second` times a second for `--duration` through each: a web terminal running `cat`
 * (default), an SSH session running `cat` (`--ssh`), or a TCP stream to an app port (`--app-port`,
 * an echo server the agent's host runs). Prints how long connecting took, the echo round trip of
 * every tick, the bytes that came back, and errors.
 */
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import ssh2 from 'ssh2';
import { WebSocket } from 'ws';
import type { HangarClient } from '../../sdk/hangar-client.js';
import { SessionTokenHeader } from '../../sdk/headers.js';
import type { WorkspaceAgent } from '../../sdk/workspaces.js';
import { dialAgent } from '../commands/workspaces/agent-connection.js';
import { CliError } from '../errors.js';
import { intFlag } from '../flag-parsers.js';
import { authedClient } from '../session.js';
import { runEchoTraffic, type EchoConnection, type TrafficRate } from './echo-traffic.js';
import { durationOption } from './duration-option.js';
import { Metric, metricsOutput } from './metrics.js';
import { concurrencyOption, runPool } from './pool.js';
import { listScaletestWorkspaces } from './scaletest-template.js';

interface Flags {
  ssh?: boolean;
  appPort?: number;
  bytesPerTick: number;
  ticksPerSecond: number;
  duration: number;
  concurrency: number;
}

type Mode = 'web terminal' | 'ssh' | 'app';

/** Output marker of the terminal command: once seen, the terminal no longer echoes input itself. */
const readyMarker = 'SCALETEST-READY';
const terminalCommand = `sh -c 'stty raw -echo; echo ${readyMarker}; exec cat'`;

/** A web terminal (`/workspaceagents/{id}/pty`) running `cat` with the terminal's own echo off. */
async function openTerminal(client: HangarClient, agentId: string): Promise<EchoConnection> {
  const url = client.websocketUrl(`/workspaceagents/${encodeURIComponent(agentId)}/pty`, {
    reconnect: randomUUID(),
    width: 80,
    height: 24,
    command: terminalCommand,
  });
  const ws = new WebSocket(url, {
    headers: { [SessionTokenHeader]: client.sessionToken ?? '' },
    perMessageDeflate: false,
  });
  let listener: ((chunk: Buffer) => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the terminal did not start within 30 s')), 30_000);
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('close', () => reject(new Error('the terminal closed before it started')));
    ws.on('message', (data: Buffer) => {
      if (listener) return listener(data);
      seen += data.toString('latin1');
      const at = seen.indexOf(`${readyMarker}\n`);
      if (at < 0) return;
      clearTimeout(timer);
      listener = () => {};
      const rest = Buffer.from(seen.slice(at + readyMarker.length + 1), 'latin1');
      queueMicrotask(() => rest.length && listener!(rest));
      resolve();
    });
  });
  return {
    write: (data) =>
      ws.send(Buffer.from(JSON.stringify({ data: data.toString('latin1') })), { binary: true }),
    onData: (fn) => (listener = fn),
    close: () => ws.close(),
  };
}

/** An SSH session through the agent's tunnel running `cat`. */
async function openSsh(client: HangarClient, agentId: string): Promise<EchoConnection> {
  const sock = await dialAgent(client, agentId, 'ssh');
  const conn = new ssh2.Client();
  const channel = await new Promise<ssh2.ClientChannel>((resolve, reject) => {
    conn.on('error', reject);
    conn.on('ready', () => conn.exec('cat', (err, ch) => (err ? reject(err) : resolve(ch))));
    conn.connect({ sock, username: 'scaletest', readyTimeout: 30_000 });
  });
  return {
    write: (data) => channel.write(data),
    onData: (fn) => channel.on('data', fn),
    close: () => conn.end(),
  };
}

/** A TCP stream through the agent's tunnel to an echoing app on the agent's host. */
async function openApp(client: HangarClient, agentId: string, port: number): Promise<EchoConnection> {
  const sock = await dialAgent(client, agentId, `tcp:127.0.0.1:${port}`);
  return {
    write: (data) => sock.write(data),
    onData: (fn) => sock.on('data', fn),
    close: () => sock.destroy(),
  };
}

export function workspaceTrafficCommand(): Command {
  const cmd = new Command('workspace-traffic')
    .description(
      'Send traffic at a set rate through web terminals, SSH or an app of the scale-test workspaces.',
    )
    .option('--ssh', 'SSH sessions running cat instead of web terminals.')
    .option(
      '--app-port <port>',
      "TCP streams to this port of each agent's host (an echo server) instead of web terminals.",
      intFlag('--app-port', 1024, 65535),
    )
    .option(
      '--bytes-per-tick <n>',
      'Bytes each connection sends per tick (1 to 65536).',
      intFlag('--bytes-per-tick', 1, 65_536),
      1024,
    )
    .option(
      '--ticks-per-second <n>',
      'Ticks per second per connection (1 to 100).',
      intFlag('--ticks-per-second', 1, 100),
      10,
    )
    .addOption(durationOption('How long each connection sends', '1h', '30s'))
    .addOption(concurrencyOption('connections', 200, 10));
  return metricsOutput.attach(cmd).action(async (flags: Flags, command: Command) => {
    if (flags.ssh && flags.appPort) throw new CliError('Give --ssh or --app-port, not both.');
    const mode: Mode = flags.ssh ? 'ssh' : flags.appPort ? 'app' : 'web terminal';
    const client = await authedClient(command);
    const agents: WorkspaceAgent[] = (await listScaletestWorkspaces(client))
      .filter((w) => w.latest_build.status === 'running')
      .flatMap((w) => w.latest_build.resources.flatMap((r) => r.agents).slice(0, 1))
      .filter((a) => a.status === 'connected');
    if (agents.length === 0)
      throw new CliError('No running scale-test workspace has a connected agent.', {
        hint: 'Start their agents with `hangar scaletest simulate-agents`, or use a template with real agents.',
      });
    const open = (a: WorkspaceAgent) =>
      mode === 'ssh'
        ? openSsh(client, a.id)
        : mode === 'app'
          ? openApp(client, a.id, flags.appPort!)
          : openTerminal(client, a.id);
    const connect = new Metric(`${mode}: connect`);
    const roundTrip = new Metric(`${mode}: echo round trip (bytes echoed)`);
    const rate: TrafficRate = {
      bytesPerTick: flags.bytesPerTick,
      ticksPerSecond: flags.ticksPerSecond,
      durationMs: flags.duration,
    };
    const targets = Array.from({ length: flags.concurrency }, (_, i) => agents[i % agents.length]!);
    process.stderr.write(
      `${flags.concurrency} ${mode} connections to ${Math.min(agents.length, flags.concurrency)} agents, ` +
        `${flags.bytesPerTick} bytes × ${flags.ticksPerSecond}/s each for ${Math.round(flags.duration / 1000)} s…\n`,
    );
    await runPool(targets, flags.concurrency, async (agent) => {
      const conn = await connect.time(() => open(agent)).catch(() => undefined);
      if (conn) await runEchoTraffic(conn, rate, roundTrip);
    });
    const rows = [connect.summary(), roundTrip.summary()];
    metricsOutput.print(command, rows);
    if (rows.some((r) => r.errors > 0)) throw new CliError('Some traffic failed; see "first error" above.');
  });
}
