// A rolling upgrade as docs/high-availability.md describes it, with this build as the old version:
// a `hangar server` process serves while "the next release" migrates the database under it (the
// migrator with this build's migrations plus one of the next release's, which is what a new
// replica runs first). The old replica keeps serving builds and restarts fine on the newer,
// additive schema; once a migration marked `-- hangar:breaking` is applied it refuses to start
// and says why.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listMigrations, migrate } from '../../src/database/postgres/migrator.js';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import { createTestDatabase } from '../support/postgres.js';
import { ownerClient } from '../support/provisioner.js';
import { startTestServer } from '../support/server.js';
import { insertEchoTemplate } from '../support/template-rows.js';

/** This build's migrations plus `extra`, in a folder, as a newer release would ship them. */
async function nextRelease(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hangar-next-release-'));
  for (const m of listMigrations()) await writeFile(path.join(dir, m.file), m.sql);
  for (const [file, sql] of Object.entries(extra)) await writeFile(path.join(dir, file), sql);
  return dir;
}

/** Creates a workspace and drives it through stop and start, as a user would during the rollout. */
async function useWorkspace(owner: HangarClient, templateId: string, name: string): Promise<void> {
  const settled = async (id: string) => {
    for (let i = 0; i < 400; i++) {
      const w = await owner.workspaces.get(id);
      if (!['pending', 'starting', 'stopping'].includes(w.latest_build.status)) return w;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${name} did not settle`);
  };
  const w = await owner.workspaces.create('me', { template_id: templateId, name });
  assert.equal((await settled(w.id)).latest_build.status, 'running');
  await owner.workspaces.createBuild(w.id, { transition: 'stop' });
  assert.equal((await settled(w.id)).latest_build.status, 'stopped');
  await owner.workspaces.createBuild(w.id, { transition: 'start' });
  assert.equal((await settled(w.id)).latest_build.status, 'running');
  const listed = await owner.workspaces.list({ q: `name:${name}` });
  assert.equal(listed.workspaces.length, 1);
}

test(
  'an old replica keeps serving and restarting on an additive newer schema, and refuses a breaking one',
  { timeout: 180_000 },
  async () => {
    await using db = await createTestDatabase();
    const dirs: string[] = [];
    const old = await startTestServer({ postgresUrl: db.url, extraArgs: ['--provisioner-daemons', '1'] });
    try {
      const owner = await ownerClient(old.url);
      const me = await owner.users.get('me');
      const tpl = await insertEchoTemplate(db.pool, {
        organizationId: (await owner.organizations())[0]!.id,
        createdBy: me.id,
        echo: { start: { stages: [{ stage: 'Applying', logs: ['up'] }] } },
      });
      await useWorkspace(owner, tpl.templateId, 'before');

      // The next release's first replica migrates: only additions, as ADR 0071 asks of it.
      const additive = await nextRelease({
        '000900_next_release.up.sql': [
          'ALTER TABLE workspaces ADD COLUMN next_start_at timestamptz;',
          'ALTER TABLE templates ADD COLUMN time_til_autostop_notify bigint NOT NULL DEFAULT 0;',
          "ALTER TYPE build_reason ADD VALUE IF NOT EXISTS 'ssh_connection';",
          'CREATE TABLE next_release_things (id uuid PRIMARY KEY, workspace_id uuid REFERENCES workspaces (id));',
          'CREATE INDEX workspaces_next_start_at_idx ON workspaces (next_start_at);',
        ].join('\n'),
      });
      dirs.push(additive);
      assert.deepEqual((await migrate(db.pool, { dir: additive })).applied, [900]);

      // The old replica, still running, serves users on the new schema ...
      await useWorkspace(owner, tpl.templateId, 'during');
      // ... and comes back up after a restart in the middle of the rollout.
      await old.stop();
      const restarted = await startTestServer({
        postgresUrl: db.url,
        extraArgs: ['--provisioner-daemons', '1'],
      });
      try {
        const again = await ownerClient(restarted.url);
        await useWorkspace(again, tpl.templateId, 'restarted');
      } finally {
        await restarted.stop();
      }

      // A breaking migration (it drops what this version reads) locks the old version out.
      const breaking = await nextRelease({
        '000900_next_release.up.sql': '-- applied above',
        '000901_drop_favorite.up.sql':
          '-- hangar:breaking: the previous release reads it\nALTER TABLE workspaces DROP COLUMN favorite;',
      });
      dirs.push(breaking);
      assert.deepEqual((await migrate(db.pool, { dir: breaking })).applied, [901]);
      await assert.rejects(
        startTestServer({ postgresUrl: db.url }),
        (err: Error) =>
          /The database schema is at version 901 but this Hangar knows only up to \d+/.test(err.message) &&
          err.message.includes('901_drop_favorite'),
      );
    } finally {
      await old.stop();
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    }
  },
);
