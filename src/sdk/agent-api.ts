/**
 * The agent's side of the API (Coder's codersdk/agentsdk): what a workspace agent fetches and
 * reports, authenticated by its agent token in the session header.
 */
import { z } from 'zod';
import { logLevels } from './provisioner-jobs.js';
import { agentLogOutputMaxChars } from './workspace-agents.js';
import type {
  WorkspaceAgentLifecycle,
  WorkspaceAgentMetadataDescription,
  WorkspaceAgentScript,
  WorkspaceApp,
} from './workspaces.js';

export interface AgentManifest {
  agent_id: string;
  agent_name: string;
  owner_name: string;
  workspace_id: string;
  workspace_name: string;
  coder_url: string;
  environment_variables: Record<string, string>;
  directory: string;
  motd_file: string;
  apps: WorkspaceApp[];
  scripts: WorkspaceAgentScript[];
  metadata: WorkspaceAgentMetadataDescription[];
}

export const agentLifecycleStates = [
  'created',
  'starting',
  'start_timeout',
  'start_error',
  'ready',
  'shutting_down',
  'shutdown_timeout',
  'shutdown_error',
  'off',
] as const satisfies readonly WorkspaceAgentLifecycle[];

export const PostLifecycleRequest = z.strictObject({
  state: z.enum(agentLifecycleStates),
  changed_at: z.iso.datetime({ offset: true }).optional(),
});
export type PostLifecycleRequest = z.infer<typeof PostLifecycleRequest>;

export const PostStartupRequest = z.strictObject({
  version: z.string().max(128),
  expanded_directory: z.string().max(4096),
  subsystems: z
    .array(z.enum(['envbox', 'envbuilder', 'exectrace']))
    .max(3)
    .default([]),
});
export type PostStartupRequest = z.input<typeof PostStartupRequest>;

/** `PATCH /workspaceagents/me/logs`: lines of one log source (the nil UUID: "External"). */
export const PatchLogsRequest = z.strictObject({
  log_source_id: z.uuid().default('00000000-0000-0000-0000-000000000000'),
  logs: z
    .array(
      z.strictObject({
        created_at: z.iso.datetime({ offset: true }),
        output: z.string().max(agentLogOutputMaxChars),
        level: z.enum(logLevels).default('info'),
      }),
    )
    .min(1, 'No logs provided.')
    .max(10_000),
});
export type PatchLogsRequest = z.input<typeof PatchLogsRequest>;

/** `POST /workspaceagents/me/metadata`: the latest result of some metadata items. */
export const PostMetadataRequest = z.strictObject({
  metadata: z
    .array(
      z.strictObject({
        key: z.string().min(1).max(127),
        collected_at: z.iso.datetime({ offset: true }),
        age: z.number().int().min(0).default(0),
        value: z.string(),
        error: z.string(),
      }),
    )
    .max(1000),
});
export type PostMetadataRequest = z.input<typeof PostMetadataRequest>;

/** `POST /workspaceagents/me/log-source`: a source for lines that come from outside the scripts. */
export const PostLogSourceRequest = z.strictObject({
  id: z.uuid(),
  display_name: z.string().min(1).max(127),
  icon: z.string().max(256).default(''),
});
export type PostLogSourceRequest = z.input<typeof PostLogSourceRequest>;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);

/**
 * `POST /workspaceagents/me/report-stats` (Coder's agentsdk.Stats): what the agent carried since
 * its last report (connections, bytes) and the sessions open now, which count as activity.
 */
export const PostStatsRequest = z.strictObject({
  connections_by_proto: z.record(z.string().min(1).max(32), count).default({}),
  connection_count: count,
  connection_median_latency_ms: z.number().min(0).default(0),
  rx_packets: count,
  rx_bytes: count,
  tx_packets: count,
  tx_bytes: count,
  session_count_vscode: count,
  session_count_jetbrains: count,
  session_count_reconnecting_pty: count,
  session_count_ssh: count,
});
export type PostStatsRequest = z.input<typeof PostStatsRequest>;

/** The answer to a stats report: when to send the next one, in nanoseconds (a Go time.Duration). */
export interface PostStatsResponse {
  report_interval: number;
}

/** Methods of the agent's `rpc:` tunnel target (src/sdk/tunnel/rpc.ts). */
export const agentRpcMethods = {
  /** `{}` → WorkspaceAgentListeningPortsResponse, unfiltered but for the agent's own sockets. */
  listeningPorts: 'listening-ports',
  /**
   * DialbackRequest → DialbackResult (ADR 0053): dial the `tcp:` target, then dial coderd back
   * with a raw-Upgrade connection for that one stream and join the two.
   */
  dialback: 'dialback',
} as const;

/**
 * Sent by the agent on its control connection: what it can do beyond the multiplexer, as a
 * comma-separated list (`dialback`). coderd offers an agent only what it lists, so an older agent
 * that sends nothing keeps getting multiplexed streams.
 */
export const AgentCapabilitiesHeader = 'Hangar-Agent-Capabilities';
export const agentCapabilities = { dialback: 'dialback' } as const;

/** coderd asks the agent to carry one stream over a connection of its own (ADR 0053). */
export interface DialbackRequest {
  /** One-time id the dial-back presents; coderd accepts it once, from this agent, for seconds. */
  stream: string;
  /** A `tcp:HOST:PORT` target. */
  target: string;
}

/**
 * The agent's answer: it dialed back and joined the stream; or it reached the target but could
 * not dial back (`fallback` says why), so coderd opens the stream over the multiplexer instead.
 * A target the agent cannot reach is an rpc error, as on the multiplexer.
 */
export type DialbackResult = { dialed_back: true } | { fallback: string };
