/**
 * Hints that a workspace changed (a build, its job, an agent connecting), published through
 * pub/sub so every replica's watchers re-read it. A hint carries no data; readers query.
 */
import type { Logger } from '../sdk/logger.js';
import type { Pubsub } from '../database/postgres/pubsub.js';

export const workspaceEventChannel = (workspaceId: string) => `workspace:${workspaceId}`;

export async function publishWorkspaceEvent(
  pubsub: Pubsub,
  logger: Logger,
  workspaceId: string,
): Promise<void> {
  await pubsub
    .publish(workspaceEventChannel(workspaceId), '{}')
    .catch((err: unknown) => logger.warn({ err, workspaceId }, 'could not publish a workspace event'));
}
