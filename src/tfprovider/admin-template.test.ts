// A realistic admin-written template (testdata/admin-template) through plan and apply with the
// environment a workspace build gets, then stopped and started again via start_count.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parameterEnv, previousParameterEnv } from './coder/env.js';
import { resource, resourcesOf, type ShownState } from './testing/state.js';
import { TerraformWorkdir } from './testing/terraform-workdir.js';

const template = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'admin-template', 'main.tf'),
  'utf8',
);

const buildEnv = {
  CODER_AGENT_URL: 'https://dev.example.com',
  CODER_AGENT_SCRIPT_linux_amd64:
    '#!/bin/sh\nexport CODER_AGENT_AUTH="${AUTH_TYPE}"\ncurl -fsSL "${ACCESS_URL}bin/agent" | sh\n',
  CODER_WORKSPACE_BUILD_ID: 'b0000000-0000-4000-8000-000000000001',
  CODER_WORKSPACE_ID: 'w0000000-0000-4000-8000-000000000001',
  CODER_WORKSPACE_NAME: 'Alice-Dev',
  CODER_WORKSPACE_TEMPLATE_ID: 't0000000-0000-4000-8000-000000000001',
  CODER_WORKSPACE_TEMPLATE_NAME: 'vm',
  CODER_WORKSPACE_TEMPLATE_VERSION: 'v1',
  CODER_WORKSPACE_OWNER: 'alice',
  CODER_WORKSPACE_OWNER_ID: 'u0000000-0000-4000-8000-000000000001',
  CODER_WORKSPACE_OWNER_NAME: 'Alice Example',
  CODER_WORKSPACE_OWNER_EMAIL: 'alice@example.com',
  [parameterEnv('image')]: 'debian-12',
  [parameterEnv('cpus')]: '4',
  [parameterEnv('home_size')]: '40',
  [previousParameterEnv('home_size')]: '20',
  [parameterEnv('dotfiles')]: '',
};

test('an admin-style template plans, applies, stops and starts', async (t) => {
  const wd = await TerraformWorkdir.create({ 'main.tf': template }, buildEnv);
  t.after(() => wd.dispose());
  await wd.ok(['init']);
  const plan = await wd.ok(['plan', '-out=tfplan']);
  assert.match(plan, /Plan: 10 to add, 0 to change, 0 to destroy/);
  await wd.ok(['apply', '-auto-approve', 'tfplan']);

  const state = JSON.parse(await wd.ok(['show', '-json'])) as ShownState;
  const agent = resource(state, 'coder_agent.main');
  const machine = resource(state, 'terraform_data.machine[0]').output as Record<string, string>;
  assert.equal(machine.image, 'debian-12');
  assert.equal(machine.cpus, '4');
  assert.equal(machine.hostname, 'alice-dev');
  assert.equal(machine.token, agent.token);
  assert.match(machine.boot!, /CODER_AGENT_AUTH="token"/);
  assert.match(machine.boot!, /curl -fsSL "https:\/\/dev\.example\.com\/bin\/agent"/);
  assert.equal(agent.startup_script_behavior, 'blocking');
  assert.deepEqual(agent.env, { GIT_AUTHOR_EMAIL: 'alice@example.com', GIT_AUTHOR_NAME: 'Alice Example' });
  assert.equal((agent.metadata as unknown[]).length, 2);
  assert.equal(resource(state, 'coder_app.code_server').url, 'http://localhost:13337/?folder=/home/alice');
  assert.equal(
    resource(state, 'coder_metadata.machine[0]').resource_id,
    resource(state, 'terraform_data.machine[0]').id,
  );

  // Stop: the machine and its metadata go, the home volume and the agent stay.
  await wd.ok(['apply', '-auto-approve'], { CODER_WORKSPACE_TRANSITION: 'stop' });
  const stopped = resourcesOf(JSON.parse(await wd.ok(['show', '-json'])) as ShownState);
  assert.equal(stopped.has('terraform_data.machine[0]'), false);
  assert.equal(stopped.has('coder_metadata.machine[0]'), false);
  assert.equal(
    stopped.get('terraform_data.home_volume')?.values.id,
    resource(state, 'terraform_data.home_volume').id,
  );
  assert.equal(stopped.get('coder_agent.main')?.values.id, agent.id);

  // A smaller home volume than last time breaks the monotonic rule.
  const shrink = await wd.run(['plan'], {
    [parameterEnv('home_size')]: '30',
    [previousParameterEnv('home_size')]: '40',
  });
  assert.equal(shrink.code, 1);
  assert.match(shrink.stderr, /Invalid value for parameter "home_size"/);
});
