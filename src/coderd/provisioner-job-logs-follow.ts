/**
 * Streams a job's logs over a WebSocket until the job ends (Coder's provisionerJobLogs with
 * follow): one JSON ProvisionerJobLog per frame, closed with 1000 once the job has completed and
 * every line was sent (log-follow.ts keeps reconnecting clients gap- and duplicate-free).
 */
import { jobLogsChannel } from './provisionerdserver/provisionerd-service.js';
import type { ProvisionerJobLogRow } from '../database/models.js';
import { followLogs } from './log-follow.js';
import { toProvisionerJobLog } from './provisioner-convert.js';
import type { RequestContext } from './request-context.js';

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
  const { store } = ctx.api;
  const read: JobLogReader = reader ?? {
    job: () => store.getProvisionerJobById(jobId),
    logs: (a) => store.listProvisionerJobLogsAfter(jobId, a),
  };
  await followLogs(ctx, after, {
    channels: [jobLogsChannel(jobId)],
    ended: async () => {
      const job = await read.job();
      return !job || Boolean(job.completed_at);
    },
    rowsAfter: read.logs,
    frames: (rows) => rows.map((l) => JSON.stringify(toProvisionerJobLog(l))),
  });
}
