/**
 * Streams a job's logs over a WebSocket until the job ends (Coder's provisionerJobLogs with
 * follow). Subscribe first, then read the backlog, and on every hint re-read `id > last sent`:
 * ids only grow, so nothing is lost or sent twice, and a client that reconnects with
 * `after=<last id>` resumes exactly where it stopped.
 */
import { withActor } from '../database/authz/actor-context.js';
import { currentActor } from '../database/authz/actor-context.js';
import { jobLogsChannel } from './provisionerdserver/provisionerd-service.js';
import type { ProvisionerJobLogRow } from '../database/models.js';
import { toProvisionerJobLog } from './provisioner-convert.js';
import type { RequestContext } from './request-context.js';
import { acceptWebSocket } from './websocket.js';

/** How the stream reads the job and its logs; builds authorize through their workspace instead. */
export interface JobLogReader {
  job(): Promise<{ completed_at: Date | null } | undefined>;
  logs(after: number): Promise<ProvisionerJobLogRow[]>;
}

export async function followJobLogs(
  ctx: RequestContext,
  jobId: string,
  after: number,
  reader?: JobLogReader,
): Promise<void> {
  const { store, pubsub } = ctx.api;
  const actor = currentActor()!;
  const read: JobLogReader = reader ?? {
    job: () => store.getProvisionerJobById(jobId),
    logs: (a) => store.listProvisionerJobLogsAfter(jobId, a),
  };
  let last = after;
  let ended = false;
  let busy: Promise<void> | undefined;
  let again = false;
  const ws = await acceptWebSocket(ctx);
  const drain = async (): Promise<void> => {
    // One reader at a time; hints that arrive meanwhile trigger one more pass.
    if (busy) {
      again = true;
      return busy;
    }
    busy = (async () => {
      do {
        again = false;
        const job = await withActor(actor, () => read.job());
        const logs = await withActor(actor, () => read.logs(last));
        for (const l of logs) {
          if (ws.readyState !== ws.OPEN) return;
          ws.send(JSON.stringify(toProvisionerJobLog(l)));
          last = Number(l.id);
        }
        // The job row was read before the logs, so a completed job has all its lines in `logs`.
        if (!job || job.completed_at) ended = true;
      } while (again && !ended);
    })().finally(() => (busy = undefined));
    return busy;
  };
  const unsubscribe = await pubsub.subscribe(
    jobLogsChannel(jobId),
    () => void drain().then(closeIfEnded, fail),
    () => void drain().then(closeIfEnded, fail),
  );
  function closeIfEnded() {
    if (ended && ws.readyState === ws.OPEN) ws.close(1000, 'end of logs');
  }
  function fail(err: unknown) {
    ctx.logger.error({ err }, 'log stream failed');
    ws.close(1011, 'internal error');
  }
  ws.on('close', () => void unsubscribe());
  ws.on('message', () => {}); // Clients have nothing to say; ignore rather than error.
  await drain().then(closeIfEnded, fail);
}
