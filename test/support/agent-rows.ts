// Echo templates whose agent has a known token, and where an agent's row says it is connected,
// for tests that attach agents to particular replicas.
import type pg from 'pg';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import type { Workspace } from '../../src/sdk/workspaces.js';
import { insertEchoTemplate } from './template-rows.js';
import type { EchoTemplate } from './templates.js';

/** A template whose start build provisions one agent, `main`, authenticating with `token`. */
export function agentEchoTemplate(token: string): EchoTemplate {
  return {
    start: {
      stages: [
        {
          resources: [
            { name: 'dev', type: 'null_resource', agents: [{ name: 'main', auth_token: token }] } as never,
          ],
        },
      ],
    },
  };
}

/** The replica the agent's row names, and whether it is connected. */
export async function agentConnection(
  pool: pg.Pool,
  agentId: string,
): Promise<{ replica: string | null; connected: boolean }> {
  const r = await pool.query(
    'SELECT last_connected_replica_id AS replica, disconnected_at FROM workspace_agents WHERE id = $1',
    [agentId],
  );
  const row = r.rows[0] as { replica: string | null; disconnected_at: Date | null };
  return { replica: row.replica, connected: row.disconnected_at === null };
}

/**
 * A workspace of `owner` (a client signed in as the first user) whose agent authenticates with
 * `token`, once its first build has ended; echo daemons somewhere in the deployment run it.
 */
export async function workspaceWithAgent(
  pool: pg.Pool,
  owner: HangarClient,
  name: string,
  token: string,
  timeoutMs = 20_000,
): Promise<Workspace> {
  const tpl = await insertEchoTemplate(pool, {
    organizationId: (await owner.organizations())[0]!.id,
    createdBy: (await owner.users.get('me')).id,
    name: `tpl-${name}`,
    echo: agentEchoTemplate(token),
  });
  const { id } = await owner.workspaces.create('me', { template_id: tpl.templateId, name });
  const until = Date.now() + timeoutMs;
  for (;;) {
    const w = await owner.workspaces.get(id);
    if (!['pending', 'starting'].includes(w.latest_build.status)) return w;
    if (Date.now() > until) throw new Error(`the build of ${name} is still ${w.latest_build.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
