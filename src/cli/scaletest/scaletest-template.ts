/**
 * What the scale-test commands create and later find again: users and workspaces named
 * `scaletest-<run>-<n>`, and the `scaletest-echo` template. That template runs on the echo
 * provisioner (no Terraform, builds take milliseconds) and gives each workspace one agent whose
 * token is the workspace's id, so `simulate-agents` can connect as every agent without being told
 * their tokens. It is for load tests only: anyone who can read such a workspace can act as its agent.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HangarClient } from '../../sdk/hangar-client.js';
import { HangarError } from '../../sdk/errors.js';
import { packTemplateDirectory } from '../../sdk/template-archive.js';
import type { Template } from '../../sdk/templates.js';
import type { Workspace } from '../../sdk/workspaces.js';
import { CliError } from '../errors.js';

export const scaletestPrefix = 'scaletest-';
export const scaletestTemplateName = 'scaletest-echo';

const echoTemplate = {
  import: {
    stages: [
      { stage: 'Importing', resources: [{ name: 'dev', type: 'null_resource', agents: [{ name: 'main' }] }] },
    ],
  },
  start: {
    stages: [
      {
        stage: 'Provisioning',
        logs: ['scale-test workspace {{metadata.workspace_name}}'],
        resources: [
          {
            name: 'dev',
            type: 'null_resource',
            agents: [
              {
                name: 'main',
                operating_system: 'linux',
                architecture: 'amd64',
                auth_token: '{{metadata.workspace_id}}',
                // Two items every 10 s, as in Coder's scale-test methodology.
                metadata: ['load', 'memory'].map((key, order) => ({
                  key,
                  display_name: key,
                  script: `echo ${key}`,
                  interval: 10,
                  timeout: 1,
                  order,
                })),
              },
            ],
          },
        ],
      },
    ],
  },
  stop: { stages: [{ stage: 'Stopping' }] },
  destroy: { stages: [{ stage: 'Destroying' }] },
};

/** The agent token of a workspace of the scale-test template. */
export const scaletestAgentToken = (w: Workspace) => w.id;

/** The `scaletest-echo` template of `org`, created on first use. */
export async function ensureScaletestTemplate(client: HangarClient, org: string): Promise<Template> {
  const existing = await client.templates.getByName(org, scaletestTemplateName).catch((err: unknown) => {
    if (err instanceof HangarError && err.code === 'not_found') return undefined;
    throw err;
  });
  if (existing) return existing;
  const dir = await mkdtemp(path.join(tmpdir(), 'hangar-scaletest-'));
  try {
    await writeFile(path.join(dir, 'echo.json'), JSON.stringify(echoTemplate, null, 2));
    const { hash } = await client.templates.uploadFile(await packTemplateDirectory(dir));
    let version = await client.templates.createVersion(org, { file_id: hash, provisioner: 'echo' });
    for (let i = 0; !version.job.completed_at; i++) {
      if (i > 600) throw new CliError('The scale-test template did not import within a minute.');
      await sleep(100);
      version = await client.templates.version(version.id);
    }
    if (version.job.status !== 'succeeded')
      throw new CliError(
        `Importing the scale-test template failed: ${version.job.error ?? version.job.status}`,
      );
    return await client.templates.create(org, {
      name: scaletestTemplateName,
      template_version_id: version.id,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every workspace whose name marks it as a scale-test workspace, of any owner. */
export async function listScaletestWorkspaces(client: HangarClient): Promise<Workspace[]> {
  const out: Workspace[] = [];
  for (let offset = 0; ;) {
    const page = await client.workspaces.list({ q: `name:${scaletestPrefix}`, limit: 1000, offset });
    out.push(...page.workspaces.filter((w) => w.name.startsWith(scaletestPrefix)));
    offset += page.workspaces.length;
    if (page.workspaces.length < 1000) return out;
  }
}
