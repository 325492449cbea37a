import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { expectError, startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import { pushEchoVersion } from '../../test/support/templates.js';

let t: TestCoderd;
before(async () => {
  t = await startTestCoderd({}, { echoDaemons: 2 });
});
after(() => t.close());

test('create, list, get, edit settings, promote and delete a template', async () => {
  const owner = await t.owner();
  const v1 = await pushEchoVersion(owner, { import: { readme: 'v1' } });
  const created = await owner.templates.create('default', {
    name: 'dev-box',
    display_name: 'Dev box',
    template_version_id: v1.id,
    default_ttl_ms: 8 * 3_600_000,
  });
  assert.equal(created.active_version_id, v1.id);
  assert.equal(created.provisioner, 'echo');
  assert.equal(created.organization_name, 'default');
  assert.equal(created.created_by_name, 'owner');
  assert.equal(created.default_ttl_ms, 8 * 3_600_000);
  assert.equal(created.activity_bump_ms, 3_600_000);
  assert.deepEqual(created.autostop_requirement, { days_of_week: [], weeks: 1 });
  assert.equal(created.autostart_requirement.days_of_week.length, 7);
  assert.equal(created.workspace_count, 0);
  assert.equal((await owner.templates.version(v1.id)).template_id, created.id);
  // Stored as nanoseconds, as Coder stores durations.
  const ns = await t.db.pool.query('SELECT default_ttl::text AS ttl FROM templates WHERE id = $1', [
    created.id,
  ]);
  assert.equal(ns.rows[0].ttl, String(8 * 3_600_000 * 1_000_000));

  assert.deepEqual(
    (await owner.templates.list('default')).map((x) => x.name),
    ['dev-box'],
  );
  assert.deepEqual(
    (await owner.templates.list()).map((x) => x.id),
    [created.id],
  );
  assert.equal((await owner.templates.getByName('default', 'DEV-BOX')).id, created.id);
  await expectError('not_found', () => owner.templates.getByName('default', 'nope'));

  const edited = await owner.templates.update(created.id, {
    description: 'For development',
    default_ttl_ms: 3_600_000,
    activity_bump_ms: 0,
    allow_user_autostart: false,
    allow_user_autostop: false,
    autostop_requirement: { days_of_week: ['saturday', 'monday'], weeks: 2 },
    autostart_requirement: { days_of_week: ['monday', 'tuesday'] },
    failure_ttl_ms: 120_000,
    deprecation_message: 'use dev-box-2',
  });
  assert.equal(edited.description, 'For development');
  assert.equal(edited.display_name, 'Dev box');
  assert.equal(edited.default_ttl_ms, 3_600_000);
  assert.equal(edited.activity_bump_ms, 0);
  assert.equal(edited.allow_user_autostart, false);
  assert.equal(edited.allow_user_autostop, false);
  assert.deepEqual(edited.autostop_requirement, { days_of_week: ['monday', 'saturday'], weeks: 2 });
  assert.deepEqual(edited.autostart_requirement.days_of_week, ['monday', 'tuesday']);
  assert.equal(edited.failure_ttl_ms, 120_000);
  assert.equal(edited.deprecated, true);
  assert.equal((await owner.templates.get(created.id)).deprecation_message, 'use dev-box-2');

  const v2 = await pushEchoVersion(owner, { import: { readme: 'v2' } }, { templateId: created.id });
  assert.equal((await owner.templates.get(created.id)).active_version_id, v1.id);
  assert.deepEqual(await owner.templates.promote(created.id, v2.id), {
    message: 'Updated the active template version!',
  });
  assert.equal((await owner.templates.get(created.id)).active_version_id, v2.id);
  assert.deepEqual(
    (await owner.templates.versions(created.id)).map((v) => v.id),
    [v1.id, v2.id],
  );

  assert.deepEqual(await owner.templates.delete(created.id), { message: 'Template has been deleted!' });
  await expectError('not_found', () => owner.templates.get(created.id));
  assert.deepEqual(await owner.templates.list(), []);
  // The name is free again.
  const v3 = await pushEchoVersion(owner, {});
  await owner.templates.create('default', { name: 'dev-box', template_version_id: v3.id });
});

test('creating from a version that failed, is running, is used, or is elsewhere is a 400 naming it', async () => {
  const owner = await t.owner();
  const count = async () =>
    (await t.db.pool.query('SELECT count(*)::int AS n FROM templates')).rows[0].n as number;
  const failed = await pushEchoVersion(owner, { import: { stages: [{ fail: 'plan failed' }] } });
  const running = await pushEchoVersion(
    owner,
    { import: { stages: [{ sleep_ms: 60_000 }] } },
    { wait: false },
  );
  const ok = await pushEchoVersion(owner, {});
  await owner.templates.create('default', { name: 'taken', template_version_id: ok.id });
  const before = await count();
  for (const id of [failed.id, running.id, ok.id, randomUUID()]) {
    const err = await expectError('invalid_input', () =>
      owner.templates.create('default', { name: 'from-bad', template_version_id: id }),
    );
    assert.deepEqual(
      err.validations.map((v) => v.field),
      ['template_version_id'],
    );
  }
  const failedErr = await expectError('invalid_input', () =>
    owner.templates.create('default', { name: 'from-failed', template_version_id: failed.id }),
  );
  assert.match(failedErr.message, /import failed: plan failed/);
  const fresh = await pushEchoVersion(owner, {});
  const dup = await expectError('conflict', () =>
    owner.templates.create('default', { name: 'TAKEN', template_version_id: fresh.id }),
  );
  assert.equal(dup.validations[0]?.field, 'name');
  const bad = await expectError('invalid_input', () =>
    owner.templates.create('default', {
      name: 'bad name',
      template_version_id: fresh.id,
      failure_ttl_ms: 10,
      default_ttl_ms: -1,
    }),
  );
  assert.deepEqual(bad.validations.map((v) => v.field).sort(), ['default_ttl_ms', 'name']);
  const shortTtl = await expectError('invalid_input', () =>
    owner.templates.create('default', { name: 'short', template_version_id: fresh.id, failure_ttl_ms: 10 }),
  );
  assert.equal(shortTtl.validations[0]?.field, 'failure_ttl_ms');
  assert.equal(await count(), before);
  assert.equal((await owner.templates.version(fresh.id)).template_id, undefined);
  await owner.templates.cancelVersion(running.id);
});

test('promotion needs an imported version of the same template', async () => {
  const owner = await t.owner();
  const a = await owner.templates.create('default', {
    name: 'promo-a',
    template_version_id: (await pushEchoVersion(owner, {})).id,
  });
  const b = await owner.templates.create('default', {
    name: 'promo-b',
    template_version_id: (await pushEchoVersion(owner, {})).id,
  });
  const ofB = await pushEchoVersion(owner, {}, { templateId: b.id });
  const failedOfA = await pushEchoVersion(
    owner,
    { import: { stages: [{ fail: 'x' }] } },
    { templateId: a.id },
  );
  for (const id of [ofB.id, failedOfA.id, randomUUID()]) {
    const err = await expectError('invalid_input', () => owner.templates.promote(a.id, id));
    assert.equal(err.validations[0]?.field, 'id');
  }
  assert.equal((await owner.templates.get(a.id)).active_version_id, a.active_version_id);
});

test('delete is refused while a live workspace uses the template', async () => {
  const owner = await t.owner();
  const tpl = await owner.templates.create('default', {
    name: 'in-use',
    template_version_id: (await pushEchoVersion(owner, {})).id,
  });
  const me = await owner.users.get('me');
  const ws = randomUUID();
  await t.db.pool.query(
    `INSERT INTO workspaces (id, owner_id, organization_id, template_id, name) VALUES ($1, $2, $3, $4, 'dev')`,
    [ws, me.id, tpl.organization_id, tpl.id],
  );
  assert.equal((await owner.templates.get(tpl.id)).workspace_count, 1);
  const err = await expectError('precondition_failed', () => owner.templates.delete(tpl.id));
  assert.match(err.message, /All workspaces must be deleted/);
  assert.equal((await owner.templates.get(tpl.id)).name, 'in-use');
  await t.db.pool.query('UPDATE workspaces SET deleted = true WHERE id = $1', [ws]);
  await owner.templates.delete(tpl.id);
  await expectError('not_found', () => owner.templates.get(tpl.id));
});

test("members read their organizations' templates only and cannot change them", async () => {
  const owner = await t.owner();
  const tpl = await owner.templates.create('default', {
    name: 'shared',
    template_version_id: (await pushEchoVersion(owner, {})).id,
  });
  // A second organization the member does not belong to.
  const org2 = randomUUID();
  await t.db.pool.query(`INSERT INTO organizations (id, name, display_name) VALUES ($1, 'other', 'Other')`, [
    org2,
  ]);
  // No daemon serves that organization: its imports are marked done directly.
  const importedInOther = async () => {
    const v = await pushEchoVersion(owner, {}, { org: 'other', wait: false });
    await t.db.pool.query(
      'UPDATE provisioner_jobs SET started_at = now(), completed_at = now() WHERE id = $1',
      [v.job.id],
    );
    return v;
  };
  const hidden = await owner.templates.create('other', {
    name: 'secret',
    template_version_id: (await importedInOther()).id,
  });
  assert.equal(hidden.organization_name, 'other');
  // A version of one organization cannot become a template of another.
  const crossErr = await expectError('invalid_input', async () =>
    owner.templates.create('default', {
      name: 'cross',
      template_version_id: (await importedInOther()).id,
    }),
  );
  assert.equal(crossErr.validations[0]?.field, 'template_version_id');

  const member = await t.newUser('member-tpl');
  const names = (await member.client.templates.list()).map((x) => x.name);
  assert.ok(names.includes('shared') && !names.includes('secret'), names.join(','));
  assert.equal((await member.client.templates.get(tpl.id)).name, 'shared');
  assert.equal((await member.client.templates.versions(tpl.id)).length, 1);
  await expectError('not_found', () => member.client.templates.get(hidden.id));
  await expectError('not_found', () => member.client.templates.list('other'));
  await expectError('not_found', () => member.client.templates.version(hidden.active_version_id));

  const ownerVersion = await pushEchoVersion(owner, {});
  await expectError('forbidden', () =>
    member.client.templates.create('default', { name: 'mine', template_version_id: ownerVersion.id }),
  );
  await expectError('forbidden', () => member.client.templates.update(tpl.id, { description: 'hacked' }));
  await expectError('forbidden', () => member.client.templates.delete(tpl.id));
  await expectError('forbidden', () => member.client.templates.promote(tpl.id, tpl.active_version_id));
  await expectError('forbidden', () =>
    member.client.templates.updateVersion(tpl.active_version_id, { name: 'x' }),
  );
  assert.equal((await owner.templates.get(tpl.id)).description, '');

  // Template admins manage templates in any organization.
  const admin = await t.newUser('tadmin-tpl', ['template-admin']);
  await admin.client.templates.update(hidden.id, { description: 'by the template admin' });
  const own = await pushEchoVersion(admin.client, {});
  await admin.client.templates.create('default', { name: 'admins', template_version_id: own.id });
});
