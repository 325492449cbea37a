// A workspace whose latest build provisioned one agent, written straight into the database (no
// template flow), and OpenSSH through coderd to it: for tests of the agent itself.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { shellQuote } from '../../src/sdk/shell-quote.js';
import { repoRoot } from './server.js';

export interface AgentWorkspace {
  token: string;
  agentId: string;
  workspaceId: string;
  workspaceName: string;
}

export async function insertWorkspaceWithAgent(pool: pg.Pool, ownerId: string): Promise<AgentWorkspace> {
  const q = (sql: string, params: unknown[]) => pool.query(sql, params);
  const org = (await q('SELECT id FROM organizations WHERE is_default', [])).rows[0].id as string;
  const [jobId, importJob, fileId, templateId, versionId, workspaceId, resourceId, agentId] = [
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
  ];
  const token = randomUUID();
  const workspaceName = `ws-${workspaceId.slice(0, 8)}`;
  await q(
    `INSERT INTO files (id, hash, created_by, mimetype, data) VALUES ($1, $2, $3, 'application/x-tar', '')`,
    [fileId, fileId.replace(/-/g, ''), ownerId],
  );
  for (const [id, type] of [
    [importJob, 'template_version_import'],
    [jobId, 'workspace_build'],
  ])
    await q(
      `INSERT INTO provisioner_jobs (id, organization_id, initiator_id, provisioner, type, started_at, completed_at)
       VALUES ($1, $2, $3, 'echo', $4, now(), now())`,
      [id, org, ownerId, type],
    );
  await q(
    `INSERT INTO template_versions (id, organization_id, name, job_id, created_by) VALUES ($1, $2, 'v1', $3, $4)`,
    [versionId, org, importJob, ownerId],
  );
  await q(
    `INSERT INTO templates (id, organization_id, name, provisioner, active_version_id, created_by)
     VALUES ($1, $2, $3, 'echo', $4, $5)`,
    [templateId, org, `t-${templateId.slice(0, 8)}`, versionId, ownerId],
  );
  await q(
    `INSERT INTO workspaces (id, owner_id, organization_id, template_id, name) VALUES ($1, $2, $3, $4, $5)`,
    [workspaceId, ownerId, org, templateId, workspaceName],
  );
  await q(
    `INSERT INTO workspace_builds (id, workspace_id, template_version_id, build_number, transition, initiator_id, job_id)
     VALUES ($1, $2, $3, 1, 'start', $4, $5)`,
    [randomUUID(), workspaceId, versionId, ownerId, jobId],
  );
  await q(
    `INSERT INTO workspace_resources (id, job_id, transition, type, name) VALUES ($1, $2, 'start', 't', 'r')`,
    [resourceId, jobId],
  );
  await q(
    `INSERT INTO workspace_agents (id, resource_id, name, auth_token_hash, directory, environment_variables)
     VALUES ($1, $2, 'main', sha256(convert_to($3, 'UTF8')), '~/src', '{"FOO":"bar"}')`,
    [agentId, resourceId, token],
  );
  return { token, agentId, workspaceId, workspaceName };
}

export async function eventually(what: string, fn: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export interface SshOptions {
  coderdUrl: string;
  sessionToken: string;
  /** The workspace, as owner/name. */
  workspace: string;
  command: string;
  /** Extra ssh options, such as -tt for a PTY. */
  sshArgs?: string[];
  stdin?: string;
}

/** Runs `command` in the workspace with OpenSSH, through coderd with `hangar ssh --stdio` as ProxyCommand. */
export function sshThroughCoderd(
  o: SshOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proxy = `${shellQuote(process.execPath)} ${shellQuote(path.join(repoRoot, 'bin/hangar'))} ssh --stdio ${shellQuote(o.workspace)}`;
  return new Promise((resolve) => {
    const p = spawn(
      'ssh',
      [
        '-F',
        '/dev/null',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'LogLevel=ERROR',
        '-o',
        `ProxyCommand=${proxy}`,
        ...(o.sshArgs ?? []),
        `hangar.${o.workspace.split('/')[1]}`,
        o.command,
      ],
      { env: { ...process.env, HANGAR_URL: o.coderdUrl, HANGAR_SESSION_TOKEN: o.sessionToken } },
    );
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(o.stdin ?? '');
  });
}
