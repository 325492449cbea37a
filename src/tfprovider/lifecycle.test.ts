// The whole life of a configuration that uses every coder resource and data source, driven
// through the real terraform: init, plan, apply, show, apply with no changes, replace, destroy.
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parameterEnv } from './coder/env.js';
import { resource, resourcesOf, type ShownState } from './testing/state.js';
import { providerBlock, TerraformWorkdir } from './testing/terraform-workdir.js';

const config = (slug: string) => `${providerBlock}
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}
data "coder_provisioner" "here" {}
data "coder_workspace_tags" "tags" {
  tags = { region = data.coder_parameter.region.value }
}
data "coder_external_auth" "github" {
  id       = "github"
  optional = true
}
data "coder_parameter" "region" {
  name    = "region"
  default = "eu"
  option {
    name  = "Europe"
    value = "eu"
  }
  option {
    name  = "United States"
    value = "us"
  }
}

resource "coder_agent" "dev" {
  os             = "linux"
  arch           = "amd64"
  env            = { GREETING = "hello" }
  startup_script = "echo started"
  display_apps {
    vscode = false
  }
  metadata {
    key      = "load"
    script   = "cat /proc/loadavg"
    interval = 10
  }
  resources_monitoring {
    memory {
      enabled   = true
      threshold = 80
    }
    volume {
      path      = "/home"
      enabled   = true
      threshold = 90
    }
  }
}

resource "coder_agent_instance" "dev" {
  agent_id    = coder_agent.dev.id
  instance_id = "i-0123456789"
}

resource "coder_app" "web" {
  agent_id = coder_agent.dev.id
  slug     = "${slug}"
  url      = "http://localhost:8080"
  healthcheck {
    url       = "http://localhost:8080/health"
    interval  = 5
    threshold = 3
  }
}

resource "coder_script" "backup" {
  agent_id     = coder_agent.dev.id
  display_name = "Backup"
  script       = "echo backup"
  cron         = "0 0 * * * *"
}

# A template string over an unknown value: Terraform sends a refined unknown (prefix "pre-").
resource "coder_env" "token_hint" {
  agent_id = coder_agent.dev.id
  name     = "TOKEN_HINT"
  value    = "pre-\${coder_agent.dev.token}"
}

resource "coder_metadata" "dev" {
  resource_id = coder_agent.dev.id
  daily_cost  = 3
  item {
    key   = "region"
    value = data.coder_parameter.region.value
  }
  item {
    key = "nothing"
  }
}

resource "terraform_data" "token_copy" {
  input = "pre-\${coder_agent.dev.token}"
}

output "start_count" { value = data.coder_workspace.me.start_count }
output "owner_groups" { value = data.coder_workspace_owner.me.groups }
output "access_port" { value = data.coder_workspace.me.access_port }
`;

const env = {
  CODER_AGENT_URL: 'https://hangar.example.com:8443/some/path',
  CODER_AGENT_SCRIPT_linux_amd64: 'fetch ${ACCESS_URL}bin/agent --auth ${AUTH_TYPE}',
  CODER_WORKSPACE_ID: '5d6c1c0e-0000-4000-8000-000000000001',
  CODER_WORKSPACE_NAME: 'dev',
  CODER_WORKSPACE_OWNER: 'alice',
  CODER_WORKSPACE_OWNER_GROUPS: '["devs"]',
  CODER_EXTERNAL_AUTH_ACCESS_TOKEN_github: 'gh-token',
  [parameterEnv('region')]: 'us',
};

function providerProcessesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('terraform-provider-coder')) continue;
      if (readlinkSync(`/proc/${pid}/cwd`) === dir) pids.push(Number(pid));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

test('every resource and data source through init, plan, apply, show, no-op apply, replace and destroy', async (t) => {
  const wd = await TerraformWorkdir.create({ 'main.tf': config('web') }, env);
  t.after(() => wd.dispose());
  await wd.ok(['init']);

  await wd.ok(['plan', '-out=tfplan']);
  const plan = JSON.parse(await wd.ok(['show', '-json', 'tfplan'])) as {
    resource_changes: {
      address: string;
      change: { after: Record<string, unknown>; after_unknown: Record<string, unknown> };
    }[];
  };
  const change = (a: string) => plan.resource_changes.find((c) => c.address === a)!.change;
  assert.deepEqual(
    ['id', 'init_script', 'token'].map((k) => change('coder_agent.dev').after_unknown[k]),
    [true, true, true],
  );
  assert.equal(change('coder_agent.dev').after.connection_timeout, 120, 'defaults are planned');
  assert.equal(
    change('coder_env.token_hint').after_unknown.value,
    true,
    'the refined unknown came back unknown',
  );
  assert.deepEqual(
    (change('coder_metadata.dev').after.item as { is_null: boolean }[]).map((i) => i.is_null),
    [false, true],
    'is_null is known at plan time',
  );

  await wd.ok(['apply', '-auto-approve', 'tfplan']);
  const state = JSON.parse(await wd.ok(['show', '-json'])) as ShownState;
  const agent = resource(state, 'coder_agent.dev');
  assert.match(String(agent.id), /^[0-9a-f-]{36}$/);
  assert.equal(agent.init_script, 'fetch https://hangar.example.com:8443/bin/agent --auth token');
  assert.equal(resource(state, 'coder_env.token_hint').value, `pre-${String(agent.token)}`);
  assert.equal(resource(state, 'terraform_data.token_copy').output, `pre-${String(agent.token)}`);
  assert.equal(resource(state, 'coder_app.web').share, 'owner');
  assert.equal(resource(state, 'coder_script.backup').run_on_start, false);
  assert.equal(resource(state, 'coder_env.token_hint').merge_strategy, 'replace');
  assert.equal(resource(state, 'data.coder_parameter.region').value, 'us');
  assert.deepEqual(resource(state, 'data.coder_workspace_tags.tags').tags, { region: 'us' });
  assert.equal(resource(state, 'data.coder_workspace.me').id, env.CODER_WORKSPACE_ID);
  assert.equal(
    resource(state, 'data.coder_workspace.me').access_url,
    'https://hangar.example.com:8443/some/path',
  );
  assert.equal(resource(state, 'data.coder_external_auth.github').access_token, 'gh-token');
  assert.equal(resource(state, 'data.coder_provisioner.here').os, 'linux');
  assert.deepEqual(state.values?.outputs?.owner_groups?.value, ['devs']);
  assert.equal(state.values?.outputs?.access_port?.value, 8443);
  assert.equal(state.values?.outputs?.start_count?.value, 1);

  const noop = await wd.run(['plan', '-detailed-exitcode']);
  assert.equal(noop.code, 0, `a second plan has no changes:\n${noop.stdout}${noop.stderr}`);
  await wd.ok(['apply', '-auto-approve']);

  await wd.write('main.tf', config('web2'));
  const replace = await wd.ok(['plan']);
  assert.match(replace, /coder_app\.web must be replaced/);
  assert.match(replace, /~ slug .*= "web" -> "web2" # forces replacement/);
  await wd.ok(['apply', '-auto-approve']);
  const after = JSON.parse(await wd.ok(['show', '-json'])) as ShownState;
  assert.notEqual(resource(after, 'coder_app.web').id, resource(state, 'coder_app.web').id);
  assert.equal(resource(after, 'coder_agent.dev').id, agent.id, 'the agent was not touched');

  await wd.ok(['destroy', '-auto-approve']);
  const empty = JSON.parse(await wd.ok(['show', '-json'])) as ShownState;
  assert.equal([...resourcesOf(empty).values()].filter((r) => r.mode === 'managed').length, 0);
  assert.deepEqual(providerProcessesIn(wd.dir), [], 'no provider process outlives terraform');
});

test('state written by an older provider is upgraded: dropped attributes are discarded', async (t) => {
  const stateFile = {
    version: 4,
    terraform_version: '1.11.4',
    serial: 3,
    lineage: '1c1f6f4e-0000-4000-8000-00000000abcd',
    outputs: {},
    resources: [
      {
        mode: 'managed',
        type: 'coder_agent',
        name: 'dev',
        provider: 'provider["registry.terraform.io/coder/coder"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: '0d5a4c3e-0000-4000-8000-000000000002',
              os: 'linux',
              arch: 'amd64',
              auth: 'token',
              token: 'kept-token',
              init_script: '',
              // Attributes from an older provider that this schema no longer has:
              login_before_ready: true,
              startup_script_timeout: 300,
              connection_timeout: 120,
            },
            sensitive_attributes: [],
          },
        ],
      },
    ],
  };
  const wd = await TerraformWorkdir.create({
    'main.tf': `${providerBlock}\nresource "coder_agent" "dev" {\n  os   = "linux"\n  arch = "amd64"\n}\n`,
    'terraform.tfstate': JSON.stringify(stateFile),
  });
  t.after(() => wd.dispose());
  await wd.ok(['init']);
  const plan = await wd.run(['plan', '-detailed-exitcode']);
  assert.notEqual(plan.code, 1, plan.stderr);
  await wd.ok(['apply', '-auto-approve', '-refresh-only']);
  const state = JSON.parse(await wd.ok(['show', '-json'])) as ShownState;
  const agent = resource(state, 'coder_agent.dev');
  assert.equal(agent.token, 'kept-token');
  assert.equal('login_before_ready' in agent, false);
});
