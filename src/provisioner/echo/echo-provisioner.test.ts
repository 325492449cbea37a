import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProvisionMetadata } from '../../sdk/provisioner.js';
import { withMetadata } from './echo-provisioner.js';

test('{{metadata.<field>}} in a script takes the build metadata; secrets and unknown fields stay as written', () => {
  const metadata = {
    workspace_id: '4a3c7b1e-0000-4000-8000-000000000001',
    workspace_name: 'dev',
    workspace_owner_session_token: 'secret-token',
  } as ProvisionMetadata;
  const script = {
    stages: [
      {
        logs: ['building {{metadata.workspace_name}}', '{{metadata.workspace_owner_session_token}}'],
        resources: [
          { name: 'r', type: 't', agents: [{ name: 'main', auth_token: '{{metadata.workspace_id}}' }] },
        ],
        sleep_ms: 1,
      },
    ],
    readme: '{{metadata.nope}}',
  };
  assert.deepEqual(withMetadata(script, metadata), {
    stages: [
      {
        logs: ['building dev', '{{metadata.workspace_owner_session_token}}'],
        resources: [{ name: 'r', type: 't', agents: [{ name: 'main', auth_token: metadata.workspace_id }] }],
        sleep_ms: 1,
      },
    ],
    readme: '{{metadata.nope}}',
  });
});
