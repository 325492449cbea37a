// Hangar: a real `hangar server` process with its 3 built-in daemons plus 2 `hangar provisioner
// start` processes; jobs are posted over the API by an owner, as the CLI and dashboard do.
import path from 'node:path';
import pg from 'pg';
import { spawnExternalDaemon, ownerClient } from '../../test/support/provisioner.js';
import { startTestServer } from '../../test/support/server.js';
import {
  clusterCpuMs,
  collectJobs,
  postmasterPid,
  processCpuMs,
  readerPool,
  runPhases,
  statementCounter,
  type Phase,
  type PostPhase,
  type PhaseResult,
} from './stats.js';

export interface HangarOptions {
  /** Another checkout's root (built), to measure its `bin/hangar` instead of this one's. */
  checkout?: string;
  /** Write the server's V8 CPU profile (`--cpu-prof`) into this directory when it exits. */
  cpuProfDir?: string;
  /**
   * The server's default database: its bundled PostgreSQL (no --postgres-url), with that
   * cluster's default settings. Its statements are not counted (no pg_stat_statements there).
   */
  bundled?: boolean;
}

export async function runHangar(
  jobs: number,
  rate: number,
  opts: HangarOptions = {},
): Promise<Record<Phase, PhaseResult>> {
  const bin = opts.checkout ? path.join(opts.checkout, 'bin/hangar') : undefined;
  await using server = await startTestServer({
    bin,
    nodeArgs: opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [],
    extraArgs: ['--provisioner-daemons', '3', '--log-level', 'warn'],
    bundled: opts.bundled,
  });
  const owner = await ownerClient(server.url);
  const { key } = await owner.provisioners.createKey('default', { name: 'bench' });
  // Default heartbeat (5 s), as deployed daemons run.
  const ext = [0, 1].map((i) =>
    spawnExternalDaemon({
      url: server.url,
      key,
      name: `bench-ext-${i}`,
      bin,
      extraArgs: ['--heartbeat-interval', '5s'],
    }),
  );
  // The bundled cluster takes passwords only: the benchmark reads it as the server's own user.
  const pool = opts.bundled
    ? new pg.Pool({ connectionString: server.postgresUrl, max: 2 })
    : await readerPool(server.postgresUrl);
  const postmaster = await postmasterPid(pool);
  const statements = opts.bundled
    ? { count: async () => null, close: async () => {} }
    : await statementCounter(server.postgresUrl);
  try {
    for (;;) {
      const daemons = await owner.provisioners.daemons('default');
      if (daemons.filter((d) => d.status === 'idle').length === 5) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ids: Record<PostPhase, string[]> = { warmup: [], paced: [], burst: [] };
    const postErrors: Record<PostPhase, number> = { warmup: 0, paced: 0, burst: 0 };
    const post = (phase: PostPhase) => async () => {
      try {
        const job = await owner.provisioners.postJob('default', {
          provisioner: 'echo',
          input: { stages: [] },
        });
        ids[phase].push(job.id);
      } catch (err) {
        // An overloaded server may refuse a post (e.g. no database connection within 10 s): count
        // it, and keep measuring the jobs that were posted.
        postErrors[phase]++;
        if (postErrors[phase] === 1) console.error(`post failed: ${(err as Error).message}`);
      }
    };
    const result = await runPhases(
      jobs,
      rate,
      post,
      (phase) =>
        collectJobs(pool, {
          table: 'provisioner_jobs',
          where: 'id = ANY($1::uuid[])',
          params: [ids[phase]],
          succeeded: "job_status = 'succeeded'",
        }),
      // Measured: the server and the external daemons; PostgreSQL and this posting client are
      // reported beside them.
      {
        read: () => ({
          server: processCpuMs(server.pid),
          external: ext.reduce((n, d) => n + processCpuMs(d.child.pid!), 0),
          postgres: clusterCpuMs(postmaster),
          bench: processCpuMs(process.pid),
        }),
        measured: ['server', 'external'],
      },
      statements.count,
    );
    for (const phase of ['paced', 'burst'] as const) {
      result[phase].post_errors = postErrors[phase];
      // The server's own account of what went wrong, once per run.
      if (postErrors[phase]) {
        const errors = server
          .output()
          .split('\n')
          .filter((l) => /"level":(50|60)/.test(l));
        console.error(errors.slice(0, 3).join('\n'));
      }
    }
    return result;
  } finally {
    for (const d of ext) d.child.kill('SIGTERM');
    await Promise.all(ext.map((d) => d.exited));
    await pool.end();
    await statements.close();
  }
}
