/** Waiting for many builds at once without polling the server for each. */
import type { HangarClient } from '../../sdk/hangar-client.js';
import type { WorkspaceBuild } from '../../sdk/workspaces.js';
import { streamOnce } from '../ui/job-logs.js';

/** Waits for a build's job to end: one log stream that the server closes when it does. */
export async function waitForBuild(
  client: HangarClient,
  build: WorkspaceBuild,
  timeoutMs: number,
): Promise<WorkspaceBuild> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await client.workspaces.build(build.id);
    if (current.job.completed_at) return current;
    if (Date.now() > deadline) throw new Error(`build still ${current.job.status} after --job-timeout`);
    // Resolves when the job ends, or early if the stream drops; then the loop re-reads.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      streamOnce(client.workspaces.followBuildLogsUrl(build.id), client.sessionToken, () => {}).catch(
        () => false,
      ),
      new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
  }
}
