/**
 * Reaching a workspace agent from the CLI (`ssh`, `port-forward`): `WORKSPACE[.AGENT]` names the
 * agent; a stopped workspace is started first unless autostart is off, and a build in progress
 * is followed (Coder's getWorkspaceAndAgent); then the CLI waits for the agent to connect. Streams
 * to the agent's services are raw-Upgrade tunnels through coderd (ADR 0040).
 */
import type { Socket } from 'node:net';
import { Conflict } from '../../../sdk/errors.js';
import type { HangarClient } from '../../../sdk/hangar-client.js';
import { SessionTokenHeader } from '../../../sdk/headers.js';
import { sleep } from '../../../sdk/sleep.js';
// Not the tunnel's index: the CLI needs only the client leg, not the multiplexer.
import { dialRawUpgrade } from '../../../sdk/tunnel/raw-upgrade.js';
import type { Workspace, WorkspaceAgent } from '../../../sdk/workspaces.js';
import { CliError, ExitCode } from '../../errors.js';
import { followBuild, runBuild } from './build.js';
import { startVersionId } from './start-parameters.js';
import { getWorkspace } from './workspace-ref.js';

export interface AgentRef {
  /** NAME or OWNER/NAME. */
  workspace: string;
  agent: string | undefined;
}

/** `owner/name.agent` → its parts (names have no dots; the first one after the owner splits). */
export function parseAgentRef(ref: string): AgentRef {
  const dot = ref.indexOf('.', ref.lastIndexOf('/') + 1);
  return dot > 0
    ? { workspace: ref.slice(0, dot), agent: ref.slice(dot + 1) }
    : { workspace: ref, agent: undefined };
}

export interface ResolveAgentOptions {
  /** Start a stopped workspace first (the default of `ssh` and `port-forward`). */
  autostart?: boolean;
  /** How often to poll while waiting for the agent to connect. */
  pollMs?: number;
}

const never = new AbortController().signal;

/**
 * The agent named by `ref`, connected: starts the workspace if it is stopped (and `autostart`),
 * follows a build in progress, and waits while the agent is still connecting. Progress goes to
 * stderr, since stdout may be the SSH stream.
 */
export async function resolveAgent(
  client: HangarClient,
  ref: string,
  opts: ResolveAgentOptions = {},
): Promise<WorkspaceAgent> {
  const parsed = parseAgentRef(ref);
  const workspace = await startedWorkspace(client, parsed.workspace, opts.autostart ?? false);
  let agent = pickAgent(workspace, parsed);
  if (agent.status === 'connected') return agent;
  process.stderr.write(
    `Waiting for the agent "${agent.name}" of workspace "${workspace.name}" to connect…\n`,
  );
  for (;;) {
    await sleep(opts.pollMs ?? 500, never);
    agent = pickAgent(await getWorkspace(client, parsed.workspace), parsed);
    if (agent.status === 'connected') return agent;
  }
}

/** The workspace with its latest build a finished, successful start. */
async function startedWorkspace(client: HangarClient, ref: string, autostart: boolean): Promise<Workspace> {
  let workspace = await getWorkspace(client, ref);
  let build = workspace.latest_build;
  if (build.transition === 'delete')
    throw new CliError(`Workspace "${ref}" is deleted.`, { exitCode: ExitCode.notFound });
  if (!build.job.completed_at) {
    // A start in progress is what we wait for; a stop in progress ends before we start again.
    await followBuild(client, build, ref).catch((err: unknown) => {
      if (build.transition === 'start') throw err;
    });
    workspace = await getWorkspace(client, ref);
    build = workspace.latest_build;
  }
  if (build.transition === 'start') {
    if (build.job.status === 'succeeded') return workspace;
    throw new CliError(`Workspace "${ref}" failed to start (its last build is ${build.status}).`, {
      hint: `See \`hangar show ${ref}\`, then \`hangar start ${ref}\` to try again.`,
    });
  }
  if (!autostart)
    throw new CliError(`Workspace "${ref}" is stopped.`, {
      hint: `Start it with \`hangar start ${ref}\` (or leave out --disable-autostart).`,
    });
  if (build.job.status !== 'succeeded')
    throw new CliError(`Workspace "${ref}" is ${build.status}; it cannot be started automatically.`, {
      hint: `See \`hangar show ${ref}\`, then \`hangar start ${ref}\`.`,
    });
  process.stderr.write(`Workspace "${ref}" is stopped; starting it…\n`);
  try {
    // No parameter values: the server carries the last build's forward.
    await runBuild(client, workspace, ref, {
      transition: 'start',
      template_version_id: startVersionId(workspace),
    });
  } catch (err) {
    // Someone else started it meanwhile: follow theirs.
    if (err instanceof Conflict) return startedWorkspace(client, ref, false);
    throw err;
  }
  return getWorkspace(client, ref);
}

function pickAgent(workspace: Workspace, ref: AgentRef): WorkspaceAgent {
  const agents = workspace.latest_build.resources.flatMap((r) => r.agents);
  const agent = ref.agent ? agents.find((a) => a.name === ref.agent) : agents[0];
  if (!agent) {
    throw new CliError(
      ref.agent
        ? `Workspace "${workspace.name}" has no agent "${ref.agent}" (it has: ${agents.map((a) => a.name).join(', ') || 'none'}).`
        : `Workspace "${workspace.name}" has no agent.`,
      { exitCode: ExitCode.notFound },
    );
  }
  if (!ref.agent && agents.length > 1)
    throw new CliError(
      `Workspace "${workspace.name}" has several agents; name one: ${workspace.name}.<agent> (${agents.map((a) => a.name).join(', ')}).`,
      { exitCode: ExitCode.usage },
    );
  return agent;
}

/**
 * Opens one tunnel stream to a service of the agent (`ssh`, `tcp:127.0.0.1:8080`). `bulk` tells
 * coderd the stream will carry much data, so it may give it a connection of its own to the agent
 * (ADR 0053); the stream behaves the same either way.
 */
export function dialAgent(
  client: HangarClient,
  agentId: string,
  target: string,
  opts: { bulk?: boolean } = {},
): Promise<Socket> {
  const url = client.apiUrl(`/workspaceagents/${encodeURIComponent(agentId)}/tunnel`, {
    target,
    ...(opts.bulk && { bulk: true }),
  });
  return dialRawUpgrade(url, {
    headers: client.sessionToken ? { [SessionTokenHeader]: client.sessionToken } : {},
  });
}
