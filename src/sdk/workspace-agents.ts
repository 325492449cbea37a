/**
 * Wire types of what a running agent reports and users read (Coder's codersdk/workspaceagents.go):
 * startup logs, metadata values and listening ports, with the limits both sides apply.
 */
import type { LogLevel } from './provisioner-jobs.js';
import type { WorkspaceAgentMetadataDescription } from './workspaces.js';

/** One line of an agent's logs (`GET /workspaceagents/{id}/logs`). */
export interface WorkspaceAgentLog {
  id: number;
  created_at: string;
  output: string;
  level: LogLevel;
  source_id: string;
}

/** Longest stored line (the column is varchar(1024)); agents split longer lines. */
export const agentLogOutputMaxChars = 1024;
/** Total log bytes kept per agent; later lines are refused and `logs_overflowed` is set. */
export const agentLogsMaxBytes = 1 << 20;
/** The log source of lines posted without one (Coder's agentsdk.ExternalLogSourceID). */
export const externalLogSourceId = '3b579bf4-1ed8-4b99-87a8-e9a1e3410410';

export interface WorkspaceAgentMetadataResult {
  collected_at: string;
  /** Seconds since collected_at, as the server computed it when sending. */
  age: number;
  value: string;
  error: string;
}

/** One item of the `watch-metadata` stream. */
export interface WorkspaceAgentMetadata {
  result: WorkspaceAgentMetadataResult;
  description: WorkspaceAgentMetadataDescription;
}

/** Coder truncates a value (and drops an error) longer than this, saying so in `error`. */
export const agentMetadataValueMaxBytes = 2048;
/** All keys of one report together stay under PostgreSQL's NOTIFY payload limit. */
export const agentMetadataKeysMaxBytes = 6144;

export interface WorkspaceAgentListeningPort {
  process_name: string;
  network: 'tcp';
  port: number;
}

export interface WorkspaceAgentListeningPortsResponse {
  ports: WorkspaceAgentListeningPort[];
}

/** Ports below this are the agent's own in Coder; they are never listed or proxied. */
export const agentMinimumListeningPort = 9;

/**
 * Why a TCP stream into the workspace (port-forward, apps, dev URLs) is refused, or undefined.
 * Coder's agent connection dials the agent's own address whatever host was asked for, so only
 * the workspace's loopback is reachable, and never the agent's reserved ports 0–8. coderd checks
 * this for a clear 400 and the agent again before it dials.
 */
export function agentTcpTargetProblem(host: string, port: number): string | undefined {
  const loopback = host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  if (!loopback) return `only the workspace's own ports can be reached (localhost), not ${host}`;
  if (port < agentMinimumListeningPort)
    return `port ${port} is reserved: ports below ${agentMinimumListeningPort} are the agent's own`;
  return undefined;
}

/** Well-known non-HTTP ports Coder leaves out of the listening-ports list. */
export const agentIgnoredListeningPorts: ReadonlySet<number> = new Set([
  20, 21, 22, 23, 25, 53, 110, 143, 179, 389, 636, 465, 587, 989, 990, 993, 995, 3306, 3389, 5432, 27017,
  27018, 27019, 28017,
]);
