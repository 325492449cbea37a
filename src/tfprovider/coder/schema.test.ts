// `terraform providers schema -json` for the built provider must list what Coder's provider has
// (coder-behaviour.md §5), attribute by attribute: type and required/optional/computed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { providerBlock, TerraformWorkdir } from '../testing/terraform-workdir.js';

type Attrs = Record<string, string>; // name -> "<type JSON> <req|opt|comp|opt+comp>[ sensitive]"
interface BlockSpec {
  attrs: Attrs;
  blocks?: Record<string, BlockSpec & { nesting: string; max?: number }>;
}

const s = '"string"';
const n = '"number"';
const b = '"bool"';
const id = { id: `${s} comp` };

const expected: {
  provider: BlockSpec;
  resources: Record<string, BlockSpec>;
  data: Record<string, BlockSpec>;
} = {
  provider: { attrs: { url: `${s} opt` } },
  resources: {
    coder_agent: {
      attrs: {
        ...id,
        arch: `${s} req`,
        os: `${s} req`,
        auth: `${s} opt`,
        api_key_scope: `${s} opt`,
        connection_timeout: `${n} opt`,
        dir: `${s} opt`,
        env: '["map","string"] opt',
        startup_script: `${s} opt`,
        startup_script_behavior: `${s} opt`,
        shutdown_script: `${s} opt`,
        motd_file: `${s} opt`,
        troubleshooting_url: `${s} opt`,
        order: `${n} opt`,
        init_script: `${s} comp`,
        token: `${s} comp sensitive`,
      },
      blocks: {
        display_apps: {
          nesting: 'list',
          max: 1,
          attrs: {
            vscode: `${b} opt`,
            vscode_insiders: `${b} opt`,
            web_terminal: `${b} opt`,
            ssh_helper: `${b} opt`,
            port_forwarding_helper: `${b} opt`,
          },
        },
        metadata: {
          nesting: 'list',
          attrs: {
            key: `${s} req`,
            script: `${s} req`,
            interval: `${n} req`,
            display_name: `${s} opt`,
            timeout: `${n} opt`,
            order: `${n} opt`,
          },
        },
        resources_monitoring: {
          nesting: 'list',
          max: 1,
          attrs: {},
          blocks: {
            memory: { nesting: 'list', max: 1, attrs: { enabled: `${b} req`, threshold: `${n} req` } },
            volume: {
              nesting: 'list',
              attrs: { path: `${s} req`, enabled: `${b} req`, threshold: `${n} req` },
            },
          },
        },
      },
    },
    coder_agent_instance: { attrs: { ...id, agent_id: `${s} req`, instance_id: `${s} req` } },
    coder_app: {
      attrs: {
        ...id,
        agent_id: `${s} req`,
        slug: `${s} req`,
        display_name: `${s} opt`,
        url: `${s} opt`,
        command: `${s} opt`,
        external: `${b} opt`,
        subdomain: `${b} opt`,
        share: `${s} opt`,
        icon: `${s} opt`,
        group: `${s} opt`,
        tooltip: `${s} opt`,
        order: `${n} opt`,
        hidden: `${b} opt`,
        open_in: `${s} opt`,
      },
      blocks: {
        healthcheck: {
          nesting: 'list',
          max: 1,
          attrs: { url: `${s} req`, interval: `${n} req`, threshold: `${n} req` },
        },
      },
    },
    coder_script: {
      attrs: {
        ...id,
        agent_id: `${s} req`,
        display_name: `${s} req`,
        script: `${s} req`,
        icon: `${s} opt`,
        log_path: `${s} opt`,
        cron: `${s} opt`,
        run_on_start: `${b} opt`,
        run_on_stop: `${b} opt`,
        start_blocks_login: `${b} opt`,
        timeout: `${n} opt`,
      },
    },
    coder_env: {
      attrs: { ...id, agent_id: `${s} req`, name: `${s} req`, value: `${s} opt`, merge_strategy: `${s} opt` },
    },
    coder_metadata: {
      attrs: { ...id, resource_id: `${s} req`, hide: `${b} opt`, icon: `${s} opt`, daily_cost: `${n} opt` },
      blocks: {
        item: {
          nesting: 'list',
          attrs: { key: `${s} req`, value: `${s} opt`, sensitive: `${b} opt`, is_null: `${b} comp` },
        },
      },
    },
  },
  data: {
    coder_workspace: {
      attrs: {
        ...id,
        name: `${s} comp`,
        transition: `${s} comp`,
        start_count: `${n} comp`,
        template_id: `${s} comp`,
        template_name: `${s} comp`,
        template_version: `${s} comp`,
        access_url: `${s} comp`,
        access_port: `${n} comp`,
        is_prebuild: `${b} comp`,
        prebuild_count: `${n} comp`,
        is_prebuild_claim: `${b} comp`,
      },
    },
    coder_workspace_owner: {
      attrs: {
        ...id,
        name: `${s} comp`,
        full_name: `${s} comp`,
        email: `${s} comp`,
        groups: '["list","string"] comp',
        ssh_public_key: `${s} comp`,
        ssh_private_key: `${s} comp sensitive`,
        session_token: `${s} comp sensitive`,
        oidc_access_token: `${s} comp sensitive`,
        login_type: `${s} comp`,
        rbac_roles: '["list",["object",{"name":"string","org_id":"string"}]] comp',
      },
    },
    coder_parameter: {
      attrs: {
        ...id,
        name: `${s} req`,
        display_name: `${s} opt`,
        description: `${s} opt`,
        type: `${s} opt`,
        form_type: `${s} opt+comp`,
        styling: `${s} opt`,
        mutable: `${b} opt`,
        ephemeral: `${b} opt`,
        default: `${s} opt`,
        icon: `${s} opt`,
        order: `${n} opt`,
        value: `${s} comp`,
        optional: `${b} comp`,
      },
      blocks: {
        option: {
          nesting: 'list',
          max: 64,
          attrs: { name: `${s} req`, value: `${s} req`, description: `${s} opt`, icon: `${s} opt` },
        },
        validation: {
          nesting: 'list',
          max: 1,
          attrs: {
            min: `${n} opt`,
            max: `${n} opt`,
            monotonic: `${s} opt`,
            regex: `${s} opt`,
            error: `${s} opt`,
            min_disabled: `${b} comp`,
            max_disabled: `${b} comp`,
          },
        },
      },
    },
    coder_provisioner: { attrs: { ...id, os: `${s} comp`, arch: `${s} comp` } },
    coder_external_auth: {
      attrs: { id: `${s} req`, optional: `${b} opt`, access_token: `${s} comp sensitive` },
    },
    coder_workspace_tags: { attrs: { ...id, tags: '["map","string"] opt' } },
  },
};

interface TfAttr {
  type: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}
interface TfBlock {
  attributes?: Record<string, TfAttr>;
  block_types?: Record<string, { nesting_mode: string; max_items?: number; block: TfBlock }>;
}

function describeBlock(block: TfBlock): BlockSpec {
  const attrs: Attrs = {};
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    const mode = a.required ? 'req' : a.optional && a.computed ? 'opt+comp' : a.optional ? 'opt' : 'comp';
    attrs[name] = `${JSON.stringify(a.type)} ${mode}${a.sensitive ? ' sensitive' : ''}`;
  }
  const out: BlockSpec = { attrs };
  const types = Object.entries(block.block_types ?? {});
  if (types.length) {
    out.blocks = Object.fromEntries(
      types.map(([name, bt]) => [
        name,
        {
          nesting: bt.nesting_mode,
          ...(bt.max_items ? { max: bt.max_items } : {}),
          ...describeBlock(bt.block),
        },
      ]),
    );
  }
  return out;
}

test("terraform providers schema -json matches Coder's provider (§5)", async (t) => {
  const wd = await TerraformWorkdir.create({ 'main.tf': providerBlock });
  t.after(() => wd.dispose());
  await wd.ok(['init']);
  const out = JSON.parse(await wd.ok(['providers', 'schema', '-json'])) as {
    provider_schemas: Record<
      string,
      {
        provider: { block: TfBlock };
        resource_schemas: Record<string, { block: TfBlock }>;
        data_source_schemas: Record<string, { block: TfBlock }>;
      }
    >;
  };
  const coder = out.provider_schemas['registry.terraform.io/coder/coder'];
  assert.ok(coder, 'the coder provider is in the schema output');
  assert.deepEqual(describeBlock(coder.provider.block), expected.provider);
  assert.deepEqual(Object.keys(coder.resource_schemas).sort(), Object.keys(expected.resources).sort());
  assert.deepEqual(Object.keys(coder.data_source_schemas).sort(), Object.keys(expected.data).sort());
  for (const [name, spec] of Object.entries(expected.resources)) {
    assert.deepEqual(describeBlock(coder.resource_schemas[name]!.block), spec, `resource ${name}`);
  }
  for (const [name, spec] of Object.entries(expected.data)) {
    assert.deepEqual(describeBlock(coder.data_source_schemas[name]!.block), spec, `data source ${name}`);
  }
});
