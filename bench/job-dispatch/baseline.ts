// The floor: the same queue shape in bare SQL, without coderd. Five worker connections LISTEN for a
// posting and take jobs with one UPDATE … FOR UPDATE SKIP LOCKED, then mark them complete; the
// poster INSERTs and NOTIFYs. No HTTP, authentication, protocol, logs or provisioner.
import pg from 'pg';
import { createTestDatabase } from '../../test/support/postgres.js';
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

const workers = 5;

export async function runBaseline(jobs: number, rate: number): Promise<Record<Phase, PhaseResult>> {
  await using db = await createTestDatabase({ migrate: false });
  await db.pool.query(`
    CREATE TABLE bench_jobs (
      id bigserial PRIMARY KEY, phase text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      started_at timestamptz, completed_at timestamptz, worker int);
    CREATE INDEX bench_jobs_queue ON bench_jobs (created_at, id) WHERE started_at IS NULL`);
  let stopping = false;
  const clients: pg.Client[] = [];
  const loops = [...Array(workers).keys()].map(async (w) => {
    const c = new pg.Client({ connectionString: db.url });
    clients.push(c);
    await c.connect();
    let wake: () => void = () => {};
    let dirty: boolean;
    c.on('notification', () => {
      dirty = true;
      wake();
    });
    await c.query('LISTEN bench_job_posted');
    while (!stopping) {
      dirty = false;
      const r = await c.query(
        `UPDATE bench_jobs SET started_at = clock_timestamp(), worker = $1 WHERE id = (
           SELECT id FROM bench_jobs WHERE started_at IS NULL ORDER BY created_at, id
           FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id`,
        [w],
      );
      if (r.rows.length) {
        await c.query('UPDATE bench_jobs SET completed_at = clock_timestamp() WHERE id = $1', [r.rows[0].id]);
        continue;
      }
      if (dirty) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1_000);
      });
    }
  });
  const post = (phase: PostPhase) => () =>
    db.pool.query(
      `WITH j AS (INSERT INTO bench_jobs (phase) VALUES ($1) RETURNING id)
                   SELECT pg_notify('bench_job_posted', '') FROM j`,
      [phase],
    );
  const reader = await readerPool(db.url);
  const postmaster = await postmasterPid(reader);
  const statements = await statementCounter(db.url);
  const result = await runPhases(
    jobs,
    rate,
    post,
    (phase) =>
      collectJobs(reader, {
        table: 'bench_jobs',
        where: 'phase = $1',
        params: [phase],
        succeeded: 'completed_at IS NOT NULL',
      }),
    // Measured: this process, the five workers and the poster (PostgreSQL is not, as for Hangar).
    {
      read: () => ({ bench: processCpuMs(process.pid), postgres: clusterCpuMs(postmaster) }),
      measured: ['bench'],
    },
    statements.count,
  );
  await reader.end();
  await statements.close();
  stopping = true;
  await db.pool.query(`SELECT pg_notify('bench_job_posted', '')`);
  await Promise.all(loops);
  await Promise.all(clients.map((c) => c.end()));
  return result;
}
