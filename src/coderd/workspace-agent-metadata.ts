/**
 * Agent metadata (Coder's agentapi/metadata.go and watchWorkspaceAgentMetadata): the agent posts
 * the latest results of the template's metadata scripts, which the replica's batcher writes within
 * a second (agent-metadata-batcher.ts); users watch them as Server-Sent Events, the full list at
 * once and then at most once a second when values changed (and every 5 s regardless, so `age`
 * stays current).
 */
import { InvalidInput } from '../sdk/errors.js';
import { PostMetadataRequest } from '../sdk/agent-api.js';
import {
  agentMetadataKeysMaxBytes,
  agentMetadataValueMaxBytes,
  type WorkspaceAgentMetadata,
} from '../sdk/workspace-agents.js';
import { currentActor, withActor } from '../database/authz/actor-context.js';
import type { WorkspaceAgentMetadataRow } from '../database/models.js';
import type { AgentMetadataValue } from '../database/queries/workspace-agents.js';
import { agentMetadataBatchChannel } from './agent-metadata-batcher.js';
import { readJson } from './httpapi/read.js';
import { startEventStream } from './httpapi/sse.js';
import { writeJson } from './httpapi/write.js';
import { agentOf, type RequestContext } from './request-context.js';
import { workspaceAgentParam } from './workspace-agents.js';

/**
 * The per-agent hint of the previous version, which published one per report: watchers still
 * listen to it so reports written by a replica of that version reach them during a rolling
 * upgrade. Remove one version after the batcher.
 */
const legacyAgentMetadataChannel = (agentId: string) => `workspace_agent_metadata:${agentId}`;

/** How often a watcher may be sent changes, and how stale its `age` values may get. */
export const metadataSendMs = 1_000;
export const metadataRefreshMs = 5_000;

/** The first `max` bytes of `s`, without a split character at the end. */
function truncateBytes(s: string, max: number): string {
  return Buffer.from(s)
    .subarray(0, max)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

export async function postWorkspaceAgentMetadata(ctx: RequestContext): Promise<void> {
  const agent = agentOf(ctx);
  const body = await readJson(ctx.req, PostMetadataRequest);
  const keyBytes = body.metadata.reduce((n, m) => n + Buffer.byteLength(m.key), 0);
  if (keyBytes > agentMetadataKeysMaxBytes)
    throw InvalidInput.field(
      'metadata',
      `Metadata keys of ${keyBytes} bytes exceeded ${agentMetadataKeysMaxBytes} bytes; report fewer at once.`,
    );
  // The server's clock, not the agent's: clock skew would make ages wrong.
  const now = new Date();
  const values: AgentMetadataValue[] = body.metadata.map((m) => {
    let { value, error } = m;
    const valueBytes = Buffer.byteLength(value);
    const errorBytes = Buffer.byteLength(error);
    if (valueBytes > agentMetadataValueMaxBytes) {
      error = `value of ${valueBytes} bytes exceeded ${agentMetadataValueMaxBytes} bytes`;
      value = truncateBytes(value, agentMetadataValueMaxBytes);
    }
    if (errorBytes > agentMetadataValueMaxBytes)
      error = `error of ${errorBytes} bytes exceeded ${agentMetadataValueMaxBytes} bytes`;
    return { agent_id: agent.id, key: m.key, value, error, collected_at: now };
  });
  ctx.api.metadataBatcher.add(values);
  writeJson(ctx.res, 204, undefined);
}

export function toWorkspaceAgentMetadata(
  rows: WorkspaceAgentMetadataRow[],
  now = Date.now(),
): WorkspaceAgentMetadata[] {
  return rows.map((m) => ({
    result: {
      collected_at: m.collected_at.toISOString(),
      age: Math.max(0, Math.floor((now - m.collected_at.getTime()) / 1000)),
      value: m.value,
      error: m.error,
    },
    description: {
      display_name: m.display_name,
      key: m.key,
      script: m.script,
      interval: m.interval_seconds,
      timeout: m.timeout_seconds,
    },
  }));
}

export async function watchWorkspaceAgentMetadata(ctx: RequestContext): Promise<void> {
  const { store, pubsub } = ctx.api;
  const agent = await workspaceAgentParam(ctx);
  const actor = currentActor()!;
  // Subscribe before the first read so no change falls between them.
  let dirty = false;
  const markDirty = () => {
    dirty = true;
  };
  const unsubscribeBatch = await pubsub.subscribe(
    agentMetadataBatchChannel,
    (message) => {
      // A JSON array of agent ids: a substring test is exact for quoted UUIDs.
      if (message.includes(`"${agent.id}"`)) markDirty();
    },
    markDirty,
  );
  let unsubscribeLegacy: () => Promise<void>;
  try {
    unsubscribeLegacy = await pubsub.subscribe(legacyAgentMetadataChannel(agent.id), markDirty, markDirty);
  } catch (err) {
    await unsubscribeBatch();
    throw err;
  }
  const unsubscribe = () => Promise.all([unsubscribeBatch(), unsubscribeLegacy()]);
  const read = () => withActor(actor, () => store.listWorkspaceAgentMetadataByAgentId(agent.id));
  let rows: WorkspaceAgentMetadataRow[];
  try {
    rows = await read();
  } catch (err) {
    await unsubscribe();
    throw err;
  }
  const { send, closed } = startEventStream(ctx);
  let lastSend = Date.now();
  send('data', toWorkspaceAgentMetadata(rows, lastSend));
  let busy = false;
  const tick = setInterval(() => {
    if (busy || (!dirty && Date.now() - lastSend < metadataRefreshMs)) return;
    busy = true;
    const changed = dirty;
    dirty = false;
    void (changed ? read() : Promise.resolve(rows))
      .then((r) => {
        rows = r;
        lastSend = Date.now();
        send('data', toWorkspaceAgentMetadata(rows, lastSend));
      })
      .catch((err: unknown) => {
        ctx.logger.warn({ err }, 'reading agent metadata for a watcher failed');
        dirty = true;
        send('error', { message: 'Failed to get metadata.' });
      })
      .finally(() => (busy = false));
  }, metadataSendMs);
  await closed;
  clearInterval(tick);
  await unsubscribe();
}
