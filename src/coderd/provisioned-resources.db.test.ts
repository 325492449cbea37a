import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { InvalidInput, NotFound } from '../sdk/errors.js';
import type { ProvisionedResource } from '../sdk/provisioner.js';
import { withActor } from '../database/authz/actor-context.js';
import { systemActors } from '../database/authz/actors.js';
import { authzStore } from '../database/authz/authz-store.js';
import type { UserActor } from '../database/authz/rbac.js';
import { pgStore, type Store } from '../database/store.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { agentStatus, insertProvisionedResources, jobResources } from './provisioned-resources.js';

let db: TestDatabase;
let raw: Store;
let store: Store;
let orgId: string;
let userId: string;
const member = (id: string): UserActor => ({
  kind: 'user',
  id,
  username: 'u',
  roles: [],
  orgIds: [orgId],
  scope: 'all',
});

before(async () => {
  db = await createTestDatabase();
  raw = pgStore(db.pool);
  store = authzStore(raw);
  orgId = randomUUID();
  userId = randomUUID();
  await raw.insertOrganization({ id: orgId, name: 'org', display_name: 'Org', is_default: true });
  await db.pool.query(`INSERT INTO users (id, email, username) VALUES ($1, 'a@example.com', 'a')`, [userId]);
});
after(() => db.dispose());

async function job(): Promise<string> {
  const row = await raw.insertProvisionerJob({
    id: randomUUID(),
    organization_id: orgId,
    initiator_id: userId,
    provisioner: 'echo',
    type: 'workspace_build',
    input: {},
    tags: { scope: 'organization', owner: '' },
    file_id: null,
  });
  return row.id;
}

const token = randomUUID();
const resources: ProvisionedResource[] = [
  {
    name: 'home',
    type: 'terraform_data',
    metadata: [
      { key: 'path', value: '/home/dev', sensitive: false, is_null: false },
      { key: 'secret', value: 'hunter2', sensitive: true, is_null: false },
    ],
    daily_cost: 3,
  },
  {
    name: 'agent',
    type: 'terraform_data',
    agents: [
      {
        name: 'main',
        operating_system: 'linux',
        architecture: 'amd64',
        auth_token: token,
        env: { EDITOR: 'vim' },
        apps: [
          {
            slug: 'code',
            display_name: 'Code',
            url: 'http://localhost:8080',
            icon: '',
            subdomain: false,
            sharing_level: 'owner',
            external: false,
            order: 0,
            hidden: false,
            open_in: 'slim-window',
            healthcheck: { url: 'http://localhost:8080/healthz', interval: 5, threshold: 3 },
          },
        ],
        scripts: [
          {
            display_name: 'Startup Script',
            icon: '',
            script: 'echo hi',
            cron: '',
            start_blocks_login: true,
            run_on_start: true,
            run_on_stop: false,
            timeout_seconds: 0,
            log_path: 'coder-startup-script.log',
          },
        ],
        metadata: [
          { key: 'load', display_name: 'Load', script: 'uptime', interval: 10, timeout: 1, order: 0 },
        ],
      },
    ],
  },
];

test('a job’s resources go in together and come back in the API shape, sensitive metadata masked', async () => {
  const jobId = await job();
  await withActor(systemActors.provisionerd, () =>
    raw.inTx((tx) => insertProvisionedResources(authzStore(tx), jobId, 'start', resources)),
  );
  const got = await withActor(systemActors.background, () => jobResources(store, [jobId]));
  const list = got.get(jobId)!;
  assert.deepEqual(
    list.map((r) => r.name),
    ['agent', 'home'],
  );
  const home = list.find((r) => r.name === 'home')!;
  assert.deepEqual(home.metadata, [
    { key: 'path', value: '/home/dev', sensitive: false },
    { key: 'secret', value: '', sensitive: true },
  ]);
  assert.equal(home.daily_cost, 3);
  const agent = list.find((r) => r.name === 'agent')!.agents[0]!;
  assert.equal(agent.name, 'main');
  assert.equal(agent.status, 'connecting');
  assert.equal(agent.lifecycle_state, 'created');
  assert.deepEqual(agent.environment_variables, { EDITOR: 'vim' });
  assert.deepEqual(agent.display_apps, ['vscode', 'web_terminal', 'ssh_helper', 'port_forwarding_helper']);
  assert.equal(agent.apps[0]!.health, 'initializing');
  assert.equal(agent.scripts[0]!.log_source_id, agent.log_sources[0]!.id);
  assert.equal(agent.log_sources[0]!.display_name, 'Startup Script');
  const meta = await db.pool.query(
    'SELECT key, script FROM workspace_agent_metadata WHERE workspace_agent_id = $1',
    [agent.id],
  );
  assert.deepEqual(meta.rows, [{ key: 'load', script: 'uptime' }]);
});

test('invalid results are refused whole: duplicate agent names, underscores, bad slugs', async () => {
  const jobId = await job();
  const bad: ProvisionedResource[] = [
    { name: 'a', type: 't', agents: [{ name: 'Main' }, { name: 'main' }] },
    { name: 'b', type: 't', agents: [{ name: 'my_agent' }] },
    {
      name: 'c',
      type: 't',
      agents: [
        {
          name: 'other',
          apps: [
            {
              slug: 'Bad Slug',
              display_name: '',
              icon: '',
              subdomain: false,
              sharing_level: 'owner',
              external: false,
              order: 0,
              hidden: false,
              open_in: 'tab',
            },
          ],
        },
      ],
    },
  ];
  await assert.rejects(
    withActor(systemActors.provisionerd, () =>
      raw.inTx((tx) => insertProvisionedResources(authzStore(tx), jobId, 'start', bad)),
    ),
    (err: unknown) =>
      err instanceof InvalidInput &&
      /Duplicate agent name/.test(err.message) &&
      /underscores/.test(err.message) &&
      /App slugs/.test(err.message),
  );
  const n = await db.pool.query('SELECT count(*)::int AS n FROM workspace_resources WHERE job_id = $1', [
    jobId,
  ]);
  assert.equal(n.rows[0].n, 0);
});

test('only the system inserts; a member cannot read resources of a job they cannot see', async () => {
  const jobId = await job();
  await assert.rejects(
    withActor(member(userId), () => insertProvisionedResources(store, jobId, 'start', [])),
    NotFound,
  );
  // The job's initiator may read it (a raw job, not a build); a stranger may not.
  await withActor(member(userId), () => jobResources(store, [jobId]));
  await assert.rejects(
    withActor(member(randomUUID()), () => jobResources(store, [jobId])),
    NotFound,
  );
});

test('agent status follows the connection timestamps', () => {
  const base = {
    created_at: new Date(Date.now() - 10_000),
    connection_timeout_seconds: 5,
    first_connected_at: null,
    last_connected_at: null,
    disconnected_at: null,
  } as unknown as Parameters<typeof agentStatus>[0];
  assert.equal(agentStatus(base), 'timeout');
  assert.equal(agentStatus({ ...base, connection_timeout_seconds: 0 }), 'connecting');
  const now = new Date();
  assert.equal(agentStatus({ ...base, first_connected_at: now, last_connected_at: now }), 'connected');
  assert.equal(
    agentStatus({
      ...base,
      first_connected_at: now,
      last_connected_at: now,
      disconnected_at: new Date(Date.now() + 1),
    }),
    'disconnected',
  );
  const old = new Date(Date.now() - 60_000);
  assert.equal(agentStatus({ ...base, first_connected_at: old, last_connected_at: old }), 'disconnected');
});
