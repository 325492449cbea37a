// Bad input becomes Terraform diagnostics with a summary, a detail and the attribute they point
// at, never a crash: checked through `terraform validate -json` and `terraform plan`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parameterEnv, previousParameterEnv } from './env.js';
import { providerBlock, TerraformWorkdir } from '../testing/terraform-workdir.js';

interface TfDiagnostic {
  severity: string;
  summary: string;
  detail: string;
  snippet?: { code: string; context?: string };
}

const badProvider = `${providerBlock}
provider "coder" {
  url = "not a url"
}
data "coder_workspace" "me" {}
`;

// Terraform stops at an invalid provider block, so the resources get their own configuration.
const badConfig = `${providerBlock}
resource "coder_agent" "dev" {
  os   = "plan9"
  arch = "amd64"
  metadata {
    key      = "same"
    script   = "true"
    interval = 5
  }
  metadata {
    key      = "same"
    script   = "true"
    interval = 5
  }
}
# Literal agent IDs: Terraform skips validating resources that depend on an invalid one.
resource "coder_app" "bad_slug" {
  agent_id = "agent-1"
  slug     = "Bad_Slug"
}
resource "coder_app" "bad_url" {
  agent_id = "agent-1"
  slug     = "ok"
  url      = "http://localhost:8080/with spaces"
}
resource "coder_script" "never" {
  agent_id     = "agent-1"
  display_name = "Never"
  script       = "true"
}
resource "coder_script" "bad_cron" {
  agent_id     = "agent-1"
  display_name = "Bad cron"
  script       = "true"
  cron         = "0 61 * * * *"
}
data "coder_parameter" "cpu" {
  name    = "cpu"
  type    = "number"
  default = "12"
  validation {
    min   = 1
    max   = 8
    error = "Pick between {min} and {max} cores, not {value}."
  }
}
data "coder_parameter" "size" {
  name    = "size"
  default = "s"
  option {
    name  = "Small"
    value = "s"
  }
  option {
    name  = "Also small"
    value = "s"
  }
}
`;

async function validate(files: Record<string, string>): Promise<TfDiagnostic[]> {
  const wd = await TerraformWorkdir.create(files);
  try {
    await wd.ok(['init']);
    const r = await wd.run(['validate', '-json']);
    return (JSON.parse(r.stdout) as { diagnostics: TfDiagnostic[] }).diagnostics;
  } finally {
    await wd.dispose();
  }
}

function find(diags: TfDiagnostic[], summary: string, detail: RegExp): TfDiagnostic {
  const d = diags.find((x) => x.summary === summary && detail.test(x.detail));
  assert.ok(d, `no diagnostic "${summary}" ~ ${detail}; got:\n${JSON.stringify(diags, null, 2)}`);
  assert.equal(d.severity, 'error');
  return d;
}

test('invalid values are reported per attribute by terraform validate', { concurrency: true }, async (t) => {
  const [diags, providerDiags] = await Promise.all([
    validate({ 'main.tf': badConfig }),
    validate({ 'main.tf': badProvider }),
  ]);
  await t.test('provider url', () => {
    assert.match(find(providerDiags, 'Invalid URL', /"not a url"/).snippet!.code, /url\s*=/);
  });
  await t.test('agent os', () => {
    assert.match(find(diags, 'Invalid value', /"plan9" is not allowed.*"linux"/).snippet!.code, /os\s*=/);
  });
  await t.test('duplicate agent metadata key', () => {
    find(diags, 'Duplicate metadata key', /"same"/);
  });
  await t.test("app slug (Coder's regex)", () => {
    assert.match(find(diags, 'Invalid slug', /"Bad_Slug".*lowercase/).snippet!.code, /slug\s*=/);
  });
  await t.test('app url', () => {
    assert.match(find(diags, 'Invalid URL', /with spaces/).snippet!.code, /url\s*=/);
  });
  await t.test('script that never runs', () => {
    find(diags, 'Script never runs', /run_on_start/);
  });
  await t.test('cron the agent could not schedule', () => {
    const d = find(diags, 'Invalid cron expression', /minutes must be between 0 and 59/);
    assert.match(d.snippet!.code, /cron\s*=/);
  });
  await t.test('parameter default outside min/max, with the custom error message', () => {
    const d = find(diags, 'Invalid value for parameter "cpu"', /^Pick between 1 and 8 cores, not 12\.$/);
    assert.match(d.snippet!.code, /default\s*=/);
  });
  await t.test('duplicate option values', () => {
    find(diags, 'Duplicate option', /values must be unique/);
  });
});

test("a wrong attribute type is Terraform's own diagnostic, from our schema", async () => {
  const diags = await validate({
    'main.tf': `${providerBlock}
resource "coder_agent" "dev" {
  os                 = "linux"
  arch               = "amd64"
  connection_timeout = "soon"
}
`,
  });
  const d = diags.find((x) => /connection_timeout.*a number is required/.test(x.detail));
  assert.ok(d, JSON.stringify(diags));
  assert.match(d.snippet!.code, /connection_timeout\s*=/);
});

const paramConfig = `${providerBlock}
data "coder_workspace" "me" {}
data "coder_parameter" "name" {
  name    = "name"
  default = "alice"
  validation {
    regex = "^[a-z]+$"
    error = "Use lowercase letters only."
  }
}
data "coder_parameter" "disk" {
  name    = "disk"
  type    = "number"
  default = "10"
  mutable = true
  validation {
    min       = 1
    monotonic = "increasing"
  }
}
`;

test('parameter values from the build are validated at plan time', async (t) => {
  const wd = await TerraformWorkdir.create(
    { 'main.tf': paramConfig },
    {
      [parameterEnv('name')]: 'Alice 2',
      [parameterEnv('disk')]: '20',
      [previousParameterEnv('disk')]: '50',
    },
  );
  t.after(() => wd.dispose());
  await wd.ok(['init']);
  const r = await wd.run(['plan']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Invalid value for parameter "name"/);
  assert.match(r.stderr, /Use lowercase letters only\./);
  assert.match(r.stderr, /Invalid value for parameter "disk"/);
  assert.match(r.stderr, /greater than the previous value 50/);
});

test('required environment is enforced only inside a workspace build', async (t) => {
  const wd = await TerraformWorkdir.create({ 'main.tf': paramConfig });
  t.after(() => wd.dispose());
  await wd.ok(['init']);
  await wd.ok(['plan']); // locally: defaults
  const r = await wd.run(['plan'], { CODER_WORKSPACE_BUILD_ID: 'b1' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Missing environment variable/);
  assert.match(r.stderr, /CODER_WORKSPACE_TEMPLATE_ID must be set during a workspace build/);
});
