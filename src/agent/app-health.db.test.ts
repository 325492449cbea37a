// App health through a real coderd and agent: an app with a healthcheck becomes healthy, turns
// unhealthy when its server is killed, and the workspace API shows it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import { createAgentWorkspace, eventually, startAgent } from '../../test/support/agent-workspace.js';
import { startEchoApp } from '../../test/support/echo-app.js';
import type { Workspace, WorkspaceApp } from '../sdk/workspaces.js';

let coderd: TestCoderd;
let ownerId: string;

before(async () => {
  coderd = await startTestCoderd();
  ownerId = (await (await coderd.owner()).users.get('me')).id;
});
after(() => coderd.close());

async function apps(workspaceId: string): Promise<Record<string, WorkspaceApp['health']>> {
  const w = await (await coderd.owner()).request<Workspace>('GET', `/workspaces/${workspaceId}`);
  const all = w.latest_build.resources.flatMap((r) => r.agents).flatMap((a) => a.apps);
  return Object.fromEntries(all.map((a) => [a.slug, a.health]));
}

test('initializing → healthy → unhealthy when the app dies; apps without a healthcheck stay disabled', async () => {
  const echo = await startEchoApp();
  const ws = await createAgentWorkspace(coderd, {
    ownerId,
    apps: [
      { slug: 'web', url: echo.url, healthcheck: { url: `${echo.url}/health`, interval: 1, threshold: 1 } },
      { slug: 'plain', url: echo.url },
    ],
  });
  assert.deepEqual(await apps(ws.workspaceId), { web: 'initializing', plain: 'disabled' });
  await using _agent = await startAgent(coderd, ws);
  await eventually('healthy', async () => (await apps(ws.workspaceId)).web === 'healthy');
  await echo.close();
  await eventually('unhealthy', async () => (await apps(ws.workspaceId)).web === 'unhealthy');
  assert.equal((await apps(ws.workspaceId)).plain, 'disabled');
});

test('the app-health endpoint refuses apps of other agents, apps without healthcheck and "disabled"', async () => {
  const ws = await createAgentWorkspace(coderd, {
    ownerId,
    apps: [
      {
        slug: 'web',
        url: 'http://127.0.0.1:9',
        healthcheck: { url: 'http://127.0.0.1:9', interval: 5, threshold: 3 },
      },
      { slug: 'plain', url: 'http://127.0.0.1:9' },
    ],
  });
  const other = await createAgentWorkspace(coderd, {
    ownerId,
    apps: [
      {
        slug: 'x',
        url: 'http://127.0.0.1:9',
        healthcheck: { url: 'http://127.0.0.1:9', interval: 5, threshold: 3 },
      },
    ],
  });
  const post = (healths: Record<string, string>) =>
    fetch(new URL('/api/v2/workspaceagents/me/app-health', coderd.url), {
      method: 'POST',
      headers: { 'Coder-Session-Token': ws.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ healths }),
    });
  assert.equal((await post({ [ws.appIds.web!]: 'healthy' })).status, 200);
  assert.equal((await apps(ws.workspaceId)).web, 'healthy');
  assert.equal((await post({ [ws.appIds.plain!]: 'healthy' })).status, 400);
  assert.equal((await post({ [other.appIds.x!]: 'unhealthy' })).status, 400);
  assert.equal((await post({ [ws.appIds.web!]: 'disabled' })).status, 400);
  assert.equal((await apps(other.workspaceId)).x, 'initializing');
});
