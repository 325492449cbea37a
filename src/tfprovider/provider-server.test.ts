// startProviderServer: one in-process provider that terraform reattaches to for several
// commands (TF_REATTACH_PROVIDERS), with no TLS and no provider process started.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { startProviderServer } from './provider-server.js';
import { resource, type ShownState } from './testing/state.js';
import { providerBlock, TerraformWorkdir } from './testing/terraform-workdir.js';

test('terraform reattaches to a long-lived provider server across commands', async (t) => {
  const server = await startProviderServer({
    env: { CODER_WORKSPACE_NAME: 'reattached', CODER_AGENT_URL: 'http://h.example' },
  });
  t.after(() => server.close());
  const reattach = JSON.parse(server.reattachProviders) as Record<
    string,
    { Addr: { String: string }; Pid: number }
  >;
  const record = reattach['registry.terraform.io/coder/coder']!;
  assert.equal(record.Pid, process.pid);
  const wd = await TerraformWorkdir.create(
    {
      'main.tf': `${providerBlock}
data "coder_workspace" "me" {}
resource "coder_agent" "a" {
  os   = "linux"
  arch = "arm64"
}
output "name" { value = data.coder_workspace.me.name }
`,
    },
    { TF_REATTACH_PROVIDERS: server.reattachProviders },
  );
  t.after(() => wd.dispose());
  await wd.ok(['init']);
  await wd.ok(['apply', '-auto-approve']);
  const state = JSON.parse(await wd.ok(['show', '-json'])) as ShownState;
  assert.equal(
    state.values?.outputs?.name?.value,
    'reattached',
    'the server reads the env it was started with',
  );
  assert.equal(resource(state, 'coder_agent.a').arch, 'arm64');
  const noop = await wd.run(['plan', '-detailed-exitcode']);
  assert.equal(noop.code, 0, noop.stderr);
  await wd.ok(['destroy', '-auto-approve']);

  await server.close();
  assert.equal(existsSync(dirname(record.Addr.String)), false, 'the socket directory is removed');
});
