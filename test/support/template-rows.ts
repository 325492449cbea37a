// Echo templates inserted straight into the database (file, succeeded import job, version,
// parameters, variables, template), for workspace tests that must not depend on the templates API.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EchoTemplate } from '../../src/provisioner/echo/echo-provisioner.js';

import { echoArchive } from './templates.js';
import type { TemplateVersionParameter } from '../../src/sdk/templates.js';

export interface EchoTemplateOptions {
  organizationId: string;
  createdBy: string;
  name?: string;
  echo: EchoTemplate;
  parameters?: (Partial<TemplateVersionParameter> & { name: string })[];
  variables?: { name: string; value: string }[];
  settings?: Partial<{
    default_ttl: bigint;
    allow_user_autostop: boolean;
    allow_user_cancel_workspace_jobs: boolean;
    deprecated: string;
  }>;
}

/** Inserts a version (attached to `templateId` when given) and returns its id. */
export async function insertEchoVersion(
  pool: pg.Pool,
  o: EchoTemplateOptions,
  templateId: string | null,
): Promise<string> {
  const data = await echoArchive(o.echo);
  const fileId = randomUUID();
  const jobId = randomUUID();
  const versionId = randomUUID();
  await pool.query(
    `INSERT INTO files (id, hash, created_by, mimetype, data) VALUES ($1, $2, $3, 'application/x-tar', $4)`,
    [fileId, fileId.replaceAll('-', ''), o.createdBy, data],
  );
  await pool.query(
    `INSERT INTO provisioner_jobs (id, organization_id, initiator_id, provisioner, type, input, tags, file_id,
       started_at, completed_at)
     VALUES ($1, $2, $3, 'echo', 'template_version_import', $4, '{"scope":"organization"}', $5, now(), now())`,
    [jobId, o.organizationId, o.createdBy, JSON.stringify({ template_version_id: versionId }), fileId],
  );
  await pool.query(
    `INSERT INTO template_versions (id, template_id, organization_id, name, job_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [versionId, templateId, o.organizationId, `v-${versionId.slice(0, 8)}`, jobId, o.createdBy],
  );
  for (const [i, p] of (o.parameters ?? []).entries()) {
    await pool.query(
      `INSERT INTO template_version_parameters (template_version_id, name, type, mutable, default_value,
         options, validation_regex, validation_min, validation_max, validation_monotonic, required, ephemeral,
         display_order)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        versionId,
        p.name,
        p.type ?? 'string',
        p.mutable ?? true,
        p.default_value ?? '',
        JSON.stringify(p.options ?? []),
        p.validation_regex ?? '',
        p.validation_min ?? null,
        p.validation_max ?? null,
        p.validation_monotonic ?? '',
        p.required ?? false,
        p.ephemeral ?? false,
        i,
      ],
    );
  }
  for (const v of o.variables ?? []) {
    await pool.query(
      `INSERT INTO template_version_variables (template_version_id, name, type, value) VALUES ($1, $2, 'string', $3)`,
      [versionId, v.name, v.value],
    );
  }
  return versionId;
}

/** Inserts an echo template with one active version; returns both ids. */
export async function insertEchoTemplate(
  pool: pg.Pool,
  o: EchoTemplateOptions,
): Promise<{ templateId: string; versionId: string }> {
  const templateId = randomUUID();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // The template's active version and the version's template refer to each other (deferred FK).
    const s = o.settings ?? {};
    await client.query(
      `INSERT INTO templates (id, organization_id, name, provisioner, active_version_id, created_by, default_ttl,
         allow_user_autostop, allow_user_cancel_workspace_jobs, deprecated)
       VALUES ($1, $2, $3, 'echo', $1, $4, $5, $6, $7, $8)`,
      [
        templateId,
        o.organizationId,
        o.name ?? `tpl-${templateId.slice(0, 8)}`,
        o.createdBy,
        (s.default_ttl ?? 0n).toString(),
        s.allow_user_autostop ?? true,
        s.allow_user_cancel_workspace_jobs ?? true,
        s.deprecated ?? '',
      ],
    );
    const versionId = await insertEchoVersion(client as unknown as pg.Pool, o, templateId);
    await client.query(`UPDATE templates SET active_version_id = $2 WHERE id = $1`, [templateId, versionId]);
    await client.query('COMMIT');
    return { templateId, versionId };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** Makes a version the template's active one (what "promote" does). */
export async function promoteVersion(pool: pg.Pool, templateId: string, versionId: string): Promise<void> {
  await pool.query(`UPDATE templates SET active_version_id = $2 WHERE id = $1`, [templateId, versionId]);
}
