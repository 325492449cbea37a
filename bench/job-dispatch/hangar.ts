// Hangar: a real `hangar server` process with its 3 built-in daemons plus 2 `hangar provisioner
// start` processes; jobs are posted over the API by an owner, as the CLI and dashboard do.
import pg from 'pg';
import { spawnExternalDaemon, ownerClient } from '../../test/support/provisioner.js';
import { startTestServer } from '../../test/support/server.js';
import { burst, paced, summarize, type PhaseResult } from './stats.js';

export async function runHangar(jobs: number, rate: number): Promise<Record<string, PhaseResult>> {
  await using server = await startTestServer({
    extraArgs: ['--provisioner-daemons', '3', '--log-level', 'warn'],
  });
  const owner = await ownerClient(server.url);
  const { key } = await owner.provisioners.createKey('default', { name: 'bench' });
  // Default heartbeat (5 s), as deployed daemons run.
  const ext = [0, 1].map((i) =>
    spawnExternalDaemon({
      url: server.url,
      key,
      name: `bench-ext-${i}`,
      extraArgs: ['--heartbeat-interval', '5s'],
    }),
  );
  const pool = new pg.Pool({ connectionString: server.postgresUrl, max: 2 });
  try {
    for (;;) {
      const daemons = await owner.provisioners.daemons('default');
      if (daemons.filter((d) => d.status === 'idle').length === 5) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ids: Record<string, string[]> = { paced: [], burst: [] };
    const post = (phase: string) => async () => {
      const job = await owner.provisioners.postJob('default', { provisioner: 'echo', input: { stages: [] } });
      ids[phase]!.push(job.id);
    };
    const result: Record<string, PhaseResult> = {};
    for (const [phase, run] of [
      ['paced', () => paced(jobs, rate, post('paced'))],
      ['burst', () => burst(jobs, 16, post('burst'))],
    ] as const) {
      await run();
      result[phase] = await collect(pool, ids[phase]!);
    }
    return result;
  } finally {
    for (const d of ext) d.child.kill('SIGTERM');
    await Promise.all(ext.map((d) => d.exited));
    await pool.end();
  }
}

async function collect(pool: pg.Pool, ids: string[]): Promise<PhaseResult> {
  for (;;) {
    const r = await pool.query(
      `SELECT count(*) AS n FROM provisioner_jobs WHERE id = ANY($1::uuid[]) AND completed_at IS NULL`,
      [ids],
    );
    if (Number(r.rows[0].n) === 0) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const rows = await pool.query(
    `SELECT extract(epoch FROM started_at - created_at) * 1000 AS ms, job_status
     FROM provisioner_jobs WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const span = await pool.query(
    `SELECT extract(epoch FROM max(completed_at) - min(created_at)) AS s FROM provisioner_jobs WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return summarize(
    rows.rows.map((x: { ms: string }) => Number(x.ms)),
    rows.rows.filter((x: { job_status: string }) => x.job_status === 'succeeded').length,
    Number(span.rows[0].s),
  );
}
