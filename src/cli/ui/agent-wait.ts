/**
 * Before a session opens, waits for the workspace agent as Coder's CLI does (cliui.Agent): until
 * it connects, and, with `wait`, until its startup scripts are done, streaming their logs to
 * stderr (the follow WebSocket, then one last read so no line is missed). Without `wait`, logs so
 * far are shown and a notice says the scripts still run. A failed or timed-out startup is a
 * warning, not an error: the workspace may still be usable.
 */
import type { HangarClient } from '../../sdk/hangar-client.js';
import { SessionTokenHeader } from '../../sdk/headers.js';
import { sleep } from '../../sdk/sleep.js';
import type { WorkspaceAgentLog } from '../../sdk/workspace-agents.js';
import type { WorkspaceAgent, WorkspaceAgentLifecycle } from '../../sdk/workspaces.js';
import { CliError, ExitCode } from '../errors.js';
import { formatSeconds } from './job-logs.js';
import { isInteractive, style } from './style.js';

export type WaitMode = 'yes' | 'no' | 'auto';

export interface AgentWaitOptions {
  /** Wait for the startup scripts (not only the connection). */
  wait: boolean;
  pollMs?: number;
  out?: NodeJS.WriteStream;
  /** The agent as just fetched (resolveAgent), which saves the first request. */
  agent?: WorkspaceAgent;
}

/** `auto`: wait when a script blocks login (`start_blocks_login`), as Coder decides. */
export function shouldWait(mode: WaitMode, agent: WorkspaceAgent): boolean {
  return mode === 'yes' || (mode === 'auto' && agent.scripts.some((s) => s.start_blocks_login));
}

const starting = (s: WorkspaceAgentLifecycle) => s === 'created' || s === 'starting';
const shuttingDown = (s: WorkspaceAgentLifecycle) =>
  s === 'shutting_down' || s === 'shutdown_timeout' || s === 'shutdown_error' || s === 'off';
const troubleshooting = (agent: WorkspaceAgent) =>
  agent.troubleshooting_url
    ? `For more information and troubleshooting, see ${agent.troubleshooting_url}`
    : '';

/** Prints stages (⧗ started, ✔ done, ✘ failed) and log lines; each log id once. */
class StageWriter {
  private lastLogId = 0;
  private readonly color: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly sources: Map<string, string>,
  ) {
    this.color = isInteractive(out);
  }

  get after(): number {
    return this.lastLogId;
  }

  start(stage: string): void {
    this.out.write(`${style.yellow('⧗', this.color)} ${style.bold(stage, this.color)}\n`);
  }

  end(ok: boolean, stage: string, ms?: number): void {
    const mark = ok ? style.green('✔', this.color) : style.red('✘', this.color);
    this.out.write(
      `${mark} ${style.bold(stage, this.color)}${ms === undefined ? '' : ` [${formatSeconds(ms)}]`}\n`,
    );
  }

  note(text: string, warn = false): void {
    if (text) this.out.write(`${warn ? style.yellow(text, this.color) : text}\n`);
  }

  log(l: WorkspaceAgentLog): void {
    if (l.id <= this.lastLogId) return;
    this.lastLogId = l.id;
    const source = this.sources.get(l.source_id);
    const line = `    ${source ? `${source}: ` : ''}${l.output}`;
    this.out.write(`${l.level === 'error' ? style.red(line, this.color) : line}\n`);
  }
}

const msBetween = (a?: string, b?: string) =>
  a && b ? Math.max(0, new Date(a).getTime() - new Date(b).getTime()) : undefined;

/**
 * Follows the agent's logs over the WebSocket until `stop()`; `closed` resolves when the socket
 * closes. `ws` is loaded only here, so `hangar ssh --stdio` does not load it when nothing waits.
 */
async function followLogs(
  client: HangarClient,
  agentId: string,
  after: number,
  onLog: (l: WorkspaceAgentLog) => void,
) {
  const headers: Record<string, string> = client.sessionToken
    ? { [SessionTokenHeader]: client.sessionToken }
    : {};
  const { default: WebSocket } = await import('ws');
  const ws = new WebSocket(client.agents.followLogsUrl(agentId, after), {
    headers,
    perMessageDeflate: false,
  });
  const closed = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      try {
        for (const l of JSON.parse(String(data)) as WorkspaceAgentLog[]) onLog(l);
      } catch {
        // Not a frame of logs; nothing to show.
      }
    });
    ws.on('close', () => resolve());
    ws.on('error', () => resolve());
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      resolve();
    });
  });
  return { closed, stop: () => ws.close() };
}

export async function waitForAgent(
  client: HangarClient,
  agentId: string,
  opts: AgentWaitOptions,
): Promise<void> {
  const pollMs = opts.pollMs ?? 500;
  const never = new AbortController().signal;
  const fetch = () => client.agents.get(agentId);
  let agent = opts.agent ?? (await fetch());
  const w = new StageWriter(
    opts.out ?? process.stderr,
    new Map(agent.log_sources.map((s) => [s.id, s.display_name])),
  );
  const until = async (pred: (a: WorkspaceAgent) => boolean) => {
    while (!pred(agent)) {
      await sleep(pollMs, never);
      agent = await fetch();
    }
  };
  let showStartupLogs = false;
  for (;;) {
    if (shuttingDown(agent.lifecycle_state))
      throw new CliError('The workspace agent is shutting down.', {
        exitCode: ExitCode.unavailable,
        hint: 'Start the workspace again with `hangar start`.',
      });
    if (agent.status === 'connecting' || agent.status === 'timeout') {
      showStartupLogs = true;
      const stage = 'Waiting for the workspace agent to connect';
      w.start(stage);
      await until((a) => a.status !== 'connecting');
      if (agent.status === 'timeout') {
        w.note('The workspace agent is having trouble connecting; wait for it or restart the workspace.');
        w.note(troubleshooting(agent));
        await until((a) => a.status !== 'timeout');
      }
      w.end(true, stage, msBetween(agent.first_connected_at, agent.created_at));
      continue;
    }
    if (agent.status === 'disconnected') {
      showStartupLogs = starting(agent.lifecycle_state);
      const stage = 'The workspace agent lost connection';
      w.start(stage);
      w.note('Wait for it to reconnect or restart your workspace.', true);
      const since = agent.disconnected_at;
      await until((a) => a.status !== 'disconnected');
      w.end(true, stage, msBetween(agent.last_connected_at, since));
      continue;
    }
    // Connected.
    if (!showStartupLogs && agent.lifecycle_state === 'ready') return;
    const stage = `Running workspace agent startup scripts${opts.wait ? '' : ' (non-blocking)'}`;
    w.start(stage);
    // Following only makes sense while there is something to wait for.
    if (opts.wait && starting(agent.lifecycle_state)) {
      w.note('==> To connect at once, run again with --wait=no (or HANGAR_SSH_WAIT=no).');
      const stream = await followLogs(client, agentId, w.after, (l) => w.log(l));
      await until((a) => !starting(a.lifecycle_state));
      stream.stop();
      await stream.closed;
    }
    // Lines the stream had not delivered yet, or all of them when not waiting.
    for (const l of await client.agents.logs(agentId, w.after)) w.log(l);
    const took = msBetween(agent.ready_at, agent.started_at);
    switch (agent.lifecycle_state) {
      case 'ready':
        w.end(true, stage, took);
        break;
      case 'start_timeout':
        w.end(false, stage);
        w.note('Warning: A startup script timed out and your workspace may be incomplete.', true);
        break;
      case 'start_error':
        w.end(false, stage, took);
        w.note('Warning: A startup script exited with an error and your workspace may be incomplete.', true);
        w.note(troubleshooting(agent), true);
        break;
      default:
        if (shuttingDown(agent.lifecycle_state)) {
          w.end(true, stage, took);
          throw new CliError('The workspace agent is shutting down.', { exitCode: ExitCode.unavailable });
        }
        w.note('Notice: The startup scripts are still running and your workspace may be incomplete.', true);
    }
    return;
  }
}
