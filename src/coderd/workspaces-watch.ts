/**
 * Live workspace updates (Coder's watchWorkspace): `GET /workspaces/{id}/watch`, a Server-Sent Events stream that re-reads the
 * workspace on each hint and sends it as `event: data` (httpapi/sse.ts).
 */
import { currentActor, withActor } from '../database/authz/actor-context.js';
import type { RequestContext } from './request-context.js';
import { toWorkspaces } from './workspaces-convert.js';
import { NotFound } from '../sdk/errors.js';
import { workspaceEventChannel } from './workspace-events.js';
import { startEventStream } from './httpapi/sse.js';
import { Coalescer } from '../sdk/coalesce.js';

export async function watchWorkspace(ctx: RequestContext): Promise<void> {
  const { store, pubsub } = ctx.api;
  const id = ctx.params.workspace ?? '';
  const actor = currentActor()!;
  const read = async () => {
    const w = await withActor(actor, () => store.getWorkspaceById(id, true));
    if (!w) throw new NotFound('Workspace not found.');
    return (await withActor(actor, () => toWorkspaces(store, [w])))[0]!;
  };
  // Fails as a normal HTTP error before the stream starts when the workspace is not readable.
  const first = await read();
  const { send, closed } = startEventStream(ctx);
  send('data', first);
  // Coalesce bursts of hints: one re-read at a time, one more if hints came meanwhile.
  const reader = new Coalescer(async () => send('data', await read()));
  const refresh = () =>
    reader.run().catch((err: unknown) => {
      ctx.logger.warn({ err }, 'workspace watch re-read failed');
      send('error', { message: 'Could not read the workspace.' });
    });
  const unsubscribe = await pubsub.subscribe(
    workspaceEventChannel(id),
    () => void refresh(),
    () => void refresh(),
  );
  await closed;
  await unsubscribe();
}
