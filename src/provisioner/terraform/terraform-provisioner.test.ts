// The Terraform provisioner against real terraform and the real coder provider (no network):
// import, a start → stop → destroy build cycle with state handed on, agent association.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ProvisionResult } from '../../sdk/provisioner.js';
import {
  buildPayload,
  recordingContext,
  terraformJob,
  testMetadata,
  testTerraformProvisioner,
} from '../../../test/support/terraform-provisioner.js';

const fixture = (name: string) => join(import.meta.dirname, 'testdata', name);
const decodeState = (s: string | undefined) =>
  JSON.parse(Buffer.from(s ?? '', 'base64').toString('utf8')) as {
    resources: { type: string; name: string }[];
  };

test('import returns variables, parameters, resources, stop resources, readme and external auth', async () => {
  await using tf = await testTerraformProvisioner();
  const rec = recordingContext();
  const job = await terraformJob(fixture('basic'), {
    type: 'template_version_import',
    user_variable_values: [{ name: 'replicas', value: '3' }],
    metadata: testMetadata(),
  });
  const result = await tf.provisioner.provision(job, rec.ctx);

  assert.deepEqual(
    result.variables?.map((v) => [v.name, v.type, v.default_value, v.required, v.sensitive]),
    [
      ['region', 'string', 'eu-west', false, false],
      ['replicas', 'number', '', true, false],
      ['api_key', 'string', '', false, true],
      ['labels', 'map(string)', '{"team":"dev"}', false, false],
    ],
  );
  assert.equal(result.variables?.[0]?.description, 'Where the workspace runs.');
  assert.deepEqual(
    result.parameters?.map((p) => p.name),
    ['shell', 'cpus', 'dotfiles'],
    'parameters in file order',
  );
  const cpus = result.parameters!.find((p) => p.name === 'cpus')!;
  assert.equal(cpus.type, 'number');
  assert.equal(cpus.validation_min, 1);
  assert.equal(cpus.validation_max, 8);
  assert.equal(cpus.validation_error, 'Between {min} and {max}.');
  assert.equal(cpus.required, false);
  const shell = result.parameters!.find((p) => p.name === 'shell')!;
  assert.deepEqual(
    shell.options.map((o) => o.value),
    ['bash', 'zsh'],
  );
  assert.equal(shell.mutable, true);
  assert.equal(result.parameters!.find((p) => p.name === 'dotfiles')!.required, true);
  assert.deepEqual(result.external_auth_providers, [{ id: 'github', optional: true }]);
  assert.match(result.readme ?? '', /^# Basic template/);

  assert.deepEqual(
    result.resources.map((r) => `${r.type}.${r.name}`),
    ['terraform_data.home', 'terraform_data.machine'],
  );
  const machine = result.resources.find((r) => r.name === 'machine')!;
  assert.deepEqual(
    machine.agents?.map((a) => a.name),
    ['main'],
  );
  assert.deepEqual(
    machine.agents![0]!.apps!.map((a) => a.slug),
    ['code', 'shell'],
    'apps attach through the graph while ids are unknown',
  );
  const home = result.resources.find((r) => r.name === 'home')!;
  assert.equal(home.daily_cost, 3);
  assert.deepEqual(
    result.stop_resources?.map((r) => `${r.type}.${r.name}`),
    ['terraform_data.home'],
    'a stop keeps only the persistent home',
  );
  assert.ok(
    rec.logs.some((l) => l.stage === 'Detecting persistent resources' && /Plan: \d+ to add/.test(l.output)),
    rec.text(),
  );
  assert.ok(!rec.logs.some((l) => l.stage === 'Initializing' && l.level === 'info'), 'init output is debug');
});

test('start, stop and destroy builds hand the state on and report resources, agents, apps, metadata', async () => {
  const commands: string[] = [];
  await using tf = await testTerraformProvisioner({ onTiming: (command) => commands.push(command) });
  const build = async (
    transition: 'start' | 'stop' | 'destroy',
    state?: string,
  ): Promise<ProvisionResult> => {
    const rec = recordingContext();
    const job = await terraformJob(
      fixture('basic'),
      buildPayload({
        state,
        parameters: [
          { name: 'shell', value: 'zsh' },
          { name: 'dotfiles', value: 'https://example.com/dots.git' },
        ],
        variables: [{ name: 'replicas', value: '1' }],
        transition,
      }),
    );
    const result = await tf.provisioner.provision(job, rec.ctx);
    assert.ok(
      rec.logs.some((l) => l.stage === 'Applying' && /complete/i.test(l.output)),
      rec.text(),
    );
    return result;
  };

  const started = await build('start');
  const startState = decodeState(started.state);
  assert.deepEqual(
    startState.resources
      .filter((r) => r.type === 'terraform_data')
      .map((r) => r.name)
      .sort(),
    ['home', 'machine'],
  );
  const machine = started.resources.find((r) => r.name === 'machine')!;
  const agent = machine.agents![0]!;
  assert.equal(agent.name, 'main');
  assert.match(agent.id ?? '', /^[0-9a-f-]{36}$/);
  assert.match(agent.auth_token ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(agent.directory, '/home/alice');
  assert.equal(agent.operating_system, 'linux');
  assert.deepEqual(
    agent.env,
    { EDITOR: 'vim', SAME: 'agent', SHELL_CHOICE: 'zsh' },
    'agent env wins over coder_env',
  );
  assert.deepEqual(agent.display_apps, {
    vscode: true,
    vscode_insiders: false,
    web_terminal: true,
    ssh_helper: true,
    port_forwarding_helper: true,
  });
  assert.deepEqual(
    agent.scripts!.map((s) => [
      s.display_name,
      s.run_on_start,
      s.run_on_stop,
      s.start_blocks_login,
      s.log_path,
    ]),
    [
      ['Startup Script', true, false, true, 'coder-startup-script.log'],
      ['Shutdown Script', false, true, false, 'coder-shutdown-script.log'],
      ['Dotfiles', true, false, false, ''],
    ],
  );
  assert.equal(agent.scripts![2]!.script, 'echo https://example.com/dots.git', 'parameters reach Terraform');
  assert.deepEqual(agent.metadata, [
    { key: 'load', display_name: 'Load', script: 'cat /proc/loadavg', interval: 10, timeout: 1, order: 0 },
  ]);
  const code = agent.apps!.find((a) => a.slug === 'code')!;
  assert.equal(code.display_name, 'Code Server');
  assert.equal(code.sharing_level, 'authenticated');
  assert.deepEqual(code.healthcheck, { url: 'http://localhost:13337/healthz', interval: 5, threshold: 3 });
  const shellApp = agent.apps!.find((a) => a.slug === 'shell')!;
  assert.equal(shellApp.command, 'bash');
  assert.equal(shellApp.open_in, 'tab');
  assert.equal(shellApp.display_name, 'shell', 'display name defaults to the slug');
  const home = started.resources.find((r) => r.name === 'home')!;
  assert.equal(home.icon, '/icon/folder.svg');
  assert.deepEqual(home.metadata, [
    { key: 'owner', value: 'alice', sensitive: false, is_null: false },
    { key: 'secret', value: 'hunter2', sensitive: true, is_null: false },
  ]);

  assert.deepEqual(commands.splice(0).sort(), ['apply', 'graph', 'init', 'plan']);

  const stopped = await build('stop', started.state);
  assert.deepEqual(
    commands.splice(0).sort(),
    ['apply', 'plan'],
    'the graph of this template is cached, and so is the fact that its init has nothing to do',
  );
  assert.deepEqual(
    stopped.resources.map((r) => r.name),
    ['home'],
  );
  const stopState = decodeState(stopped.state);
  assert.ok(!stopState.resources.some((r) => r.name === 'machine'), 'the machine is gone after stop');
  assert.ok(
    stopState.resources.some((r) => r.name === 'home'),
    'the home is kept',
  );

  const destroyed = await build('destroy', stopped.state);
  assert.deepEqual(destroyed.resources, []);
  assert.deepEqual(
    decodeState(destroyed.state).resources.filter((r) => r.type === 'terraform_data'),
    [],
    'nothing managed is left',
  );
});

test('destroy with no state succeeds without running terraform', async () => {
  await using tf = await testTerraformProvisioner();
  const rec = recordingContext();
  const job = await terraformJob(fixture('basic'), buildPayload({ transition: 'destroy' }));
  const result = await tf.provisioner.provision(job, rec.ctx);
  assert.deepEqual(result.resources, []);
  assert.match(rec.text(), /nothing to destroy/);
  assert.ok(!rec.logs.some((l) => l.stage === 'Initializing'), 'no terraform init');
});

test('agents attach to the closest dependent resource, ties by label; metadata to what it depends on', async () => {
  await using tf = await testTerraformProvisioner();
  const job = await terraformJob(fixture('two-agents'), buildPayload());
  const result = await tf.provisioner.provision(job, recordingContext().ctx);
  const byName = new Map(result.resources.map((r) => [r.name, r]));
  assert.deepEqual([...byName.keys()].sort(), ['alpha', 'disk', 'vm', 'zeta']);
  assert.deepEqual(
    byName.get('vm')!.agents?.map((a) => a.name),
    ['dev'],
  );
  assert.deepEqual(
    byName.get('alpha')!.agents?.map((a) => a.name),
    ['db'],
  );
  assert.equal(byName.get('alpha')!.agents![0]!.architecture, 'arm64');
  assert.deepEqual(
    byName.get('alpha')!.agents![0]!.apps!.map((a) => a.slug),
    ['web'],
  );
  assert.equal(byName.get('zeta')!.agents, undefined);
  assert.equal(byName.get('disk')!.agents, undefined);
  assert.equal(byName.get('disk')!.hide, true);
  assert.deepEqual(byName.get('disk')!.metadata, [
    { key: 'size', value: '10GB', sensitive: false, is_null: false },
  ]);
  assert.ok(
    !result.resources.some((r) => r.agents?.some((a) => a.name === 'orphan')),
    'an agent nothing depends on is dropped',
  );
});

test('a template with a module: init runs for every job, agents attach inside the module', async () => {
  const commands: string[] = [];
  await using tf = await testTerraformProvisioner({ onTiming: (command) => commands.push(command) });
  for (let i = 0; i < 2; i++) {
    const job = await terraformJob(fixture('with-module'), buildPayload());
    const result = await tf.provisioner.provision(job, recordingContext().ctx);
    assert.deepEqual(
      result.resources.map((r) => [r.module_path, r.type, r.name, r.agents?.map((a) => a.name)]),
      [['module.vm', 'terraform_data', 'machine', ['main']]],
    );
    assert.ok(commands.splice(0).includes('init'), `build ${i + 1} ran init`);
  }
});
