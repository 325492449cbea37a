/**
 * A workspace whose latest build provisioned one agent (and optionally apps), written as rows
 * (no template flow); a real in-process Agent for it; and OpenSSH through coderd to it. For tests
 * of the agent and of what runs through it: SSH, the web terminal, apps, port sharing, app health.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, type AgentOptions } from '../../src/agent/agent.js';
import { openSshOptions } from '../../src/cli/commands/config-ssh/ssh-config-block.js';
import { nopLogger } from '../../src/sdk/logger.js';
import { shellQuote } from '../../src/sdk/shell-quote.js';
import type { WorkspaceAgent } from '../../src/sdk/workspaces.js';
import type pg from 'pg';
import type { TestCoderd } from './coderd.js';
import { repoRoot } from './server.js';
import { pollUntil } from './wait.js';

export interface TestApp {
  slug: string;
  url?: string;
  command?: string;
  external?: boolean;
  subdomain?: boolean;
  sharing_level?: 'owner' | 'authenticated' | 'public';
  healthcheck?: { url: string; interval: number; threshold: number };
}

export interface AgentWorkspaceOptions {
  ownerId: string;
  name?: string;
  agentName?: string;
  apps?: TestApp[];
  maxPortShareLevel?: 'owner' | 'authenticated' | 'public';
  /** The agent's `dir` (default '': home). */
  directory?: string;
  env?: Record<string, string>;
}

export interface AgentWorkspace {
  token: string;
  agentId: string;
  agentName: string;
  workspaceId: string;
  workspaceName: string;
  templateId: string;
  /** App ids by slug. */
  appIds: Record<string, string>;
}

/** Anything with a pool on the test database (a TestCoderd, or a benchmark's own pool). */
export interface HasDatabase {
  db: { pool: Pick<pg.Pool, 'query'> };
}

export async function createAgentWorkspace(
  coderd: HasDatabase,
  opts: AgentWorkspaceOptions,
): Promise<AgentWorkspace> {
  const q = (sql: string, params: unknown[]) => coderd.db.pool.query(sql, params);
  const org = (await q('SELECT id FROM organizations WHERE is_default', [])).rows[0].id as string;
  const [jobId, importJob, templateId, versionId, workspaceId, resourceId, agentId] = Array.from(
    { length: 7 },
    () => randomUUID(),
  ) as [string, string, string, string, string, string, string];
  const token = randomUUID();
  const workspaceName = opts.name ?? `ws-${workspaceId.slice(0, 8)}`;
  const agentName = opts.agentName ?? 'main';
  for (const [id, type] of [
    [importJob, 'template_version_import'],
    [jobId, 'workspace_build'],
  ])
    await q(
      `INSERT INTO provisioner_jobs (id, organization_id, initiator_id, provisioner, type, started_at, completed_at)
       VALUES ($1, $2, $3, 'echo', $4, now(), now())`,
      [id, org, opts.ownerId, type],
    );
  await q(
    `INSERT INTO template_versions (id, organization_id, name, job_id, created_by) VALUES ($1, $2, 'v1', $3, $4)`,
    [versionId, org, importJob, opts.ownerId],
  );
  await q(
    `INSERT INTO templates (id, organization_id, name, provisioner, active_version_id, created_by, max_port_sharing_level)
     VALUES ($1, $2, $3, 'echo', $4, $5, $6)`,
    [
      templateId,
      org,
      `t-${templateId.slice(0, 8)}`,
      versionId,
      opts.ownerId,
      opts.maxPortShareLevel ?? 'owner',
    ],
  );
  await q(
    `INSERT INTO workspaces (id, owner_id, organization_id, template_id, name) VALUES ($1, $2, $3, $4, $5)`,
    [workspaceId, opts.ownerId, org, templateId, workspaceName],
  );
  await q(
    `INSERT INTO workspace_builds (id, workspace_id, template_version_id, build_number, transition, initiator_id, job_id)
     VALUES ($1, $2, $3, 1, 'start', $4, $5)`,
    [randomUUID(), workspaceId, versionId, opts.ownerId, jobId],
  );
  await q(
    `INSERT INTO workspace_resources (id, job_id, transition, type, name) VALUES ($1, $2, 'start', 't', 'r')`,
    [resourceId, jobId],
  );
  await q(
    `INSERT INTO workspace_agents (id, resource_id, name, auth_token_hash, directory, environment_variables)
     VALUES ($1, $2, $3, sha256(convert_to($4, 'UTF8')), $5, $6)`,
    [agentId, resourceId, agentName, token, opts.directory ?? '', JSON.stringify(opts.env ?? {})],
  );
  const appIds: Record<string, string> = {};
  for (const app of opts.apps ?? []) {
    const id = randomUUID();
    appIds[app.slug] = id;
    await q(
      `INSERT INTO workspace_apps (id, agent_id, slug, display_name, url, command, external, subdomain, sharing_level,
                                   healthcheck_url, healthcheck_interval, healthcheck_threshold, health)
       VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        agentId,
        app.slug,
        app.url ?? null,
        app.command ?? null,
        app.external ?? false,
        app.subdomain ?? false,
        app.sharing_level ?? 'owner',
        app.healthcheck?.url ?? '',
        app.healthcheck?.interval ?? 0,
        app.healthcheck?.threshold ?? 0,
        app.healthcheck ? 'initializing' : 'disabled',
      ],
    );
  }
  return { token, agentId, agentName, workspaceId, workspaceName, templateId, appIds };
}

/**
 * Adds build `n` of the workspace (completed, as the echo provisioner would leave it) after its
 * first one; returns its job id, to attach resources to.
 */
export async function insertNextBuild(
  coderd: HasDatabase,
  workspaceId: string,
  transition: 'start' | 'stop',
  n = 2,
): Promise<string> {
  const q = (sql: string, params: unknown[]) => coderd.db.pool.query(sql, params);
  const prev = (
    await q('SELECT * FROM workspace_builds WHERE workspace_id = $1 ORDER BY build_number', [workspaceId])
  ).rows[0];
  const jobId = randomUUID();
  await q(
    `INSERT INTO provisioner_jobs (id, organization_id, initiator_id, provisioner, type, started_at, completed_at)
     SELECT $1, organization_id, initiator_id, 'echo', 'workspace_build', now(), now() FROM provisioner_jobs WHERE id = $2`,
    [jobId, prev.job_id],
  );
  await q(
    `INSERT INTO workspace_builds (id, workspace_id, template_version_id, build_number, transition, initiator_id, job_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [randomUUID(), workspaceId, prev.template_version_id, n, transition, prev.initiator_id, jobId],
  );
  return jobId;
}

/** The agent of `~/src` with FOO=bar that the agent's own tests use. */
export function insertWorkspaceWithAgent(pool: pg.Pool, ownerId: string): Promise<AgentWorkspace> {
  return createAgentWorkspace({ db: { pool } }, { ownerId, directory: '~/src', env: { FOO: 'bar' } });
}

/** Starts a real agent for the workspace and waits until coderd shows it connected. */
export async function startAgent(
  coderd: TestCoderd,
  ws: AgentWorkspace,
  opts: Partial<AgentOptions> = {},
): Promise<Agent & AsyncDisposable> {
  const agent = new Agent({
    url: new URL(coderd.url),
    token: ws.token,
    logger: nopLogger,
    stateDir: await mkdtemp(path.join(tmpdir(), 'hangar-agent-state-')),
    maxBackoffMs: 200,
    ...opts,
  });
  agent.start();
  await agent.ready();
  const owner = await coderd.owner();
  await eventually('the agent to connect', async () => {
    const a = await owner.request<WorkspaceAgent>('GET', `/workspaceagents/${ws.agentId}`);
    return a.status === 'connected';
  });
  return Object.assign(agent, { [Symbol.asyncDispose]: () => agent.close() });
}

export async function eventually(what: string, fn: () => Promise<boolean>, ms = 15_000): Promise<void> {
  await pollUntil(what, fn, { ms, intervalMs: 50 });
}

export interface CoderdSshTarget {
  coderdUrl: string;
  sessionToken: string;
  /** The workspace, as owner/name. */
  workspace: string;
}

export interface SshOptions extends CoderdSshTarget {
  command: string;
  /** Extra ssh options, such as -tt for a PTY. */
  sshArgs?: string[];
  stdin?: string;
}

/**
 * What OpenSSH (ssh, scp, sftp) needs to reach the workspace through coderd, with `hangar ssh
 * --stdio` as its ProxyCommand: the options, the host name, and the CLI's environment.
 */
export function coderdSsh(o: CoderdSshTarget): { options: string[]; host: string; env: NodeJS.ProcessEnv } {
  const proxy = `${shellQuote(process.execPath)} ${shellQuote(path.join(repoRoot, 'bin/hangar'))} ssh --stdio ${shellQuote(o.workspace)}`;
  return {
    options: [...['-F', '/dev/null', '-o', 'BatchMode=yes', ...openSshOptions(proxy)]],
    host: `hangar.${o.workspace.split('/')[1]}`,
    env: { ...process.env, HANGAR_URL: o.coderdUrl, HANGAR_SESSION_TOKEN: o.sessionToken },
  };
}

/** Runs `command` in the workspace with OpenSSH, through coderd with `hangar ssh --stdio` as ProxyCommand. */
export function sshThroughCoderd(
  o: SshOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { options, host, env } = coderdSsh(o);
  return new Promise((resolve) => {
    const p = spawn('ssh', [...options, ...(o.sshArgs ?? []), host, o.command], { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(o.stdin ?? '');
  });
}
