import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { maxTemplateArchiveBytes } from '../sdk/templates.js';
import { expectError, startTestCoderd, type TestCoderd } from '../../test/support/coderd.js';
import { echoArchive, tarOf } from '../../test/support/templates.js';

let t: TestCoderd;
before(async () => {
  t = await startTestCoderd();
});
after(() => t.close());

async function fileCount(): Promise<number> {
  return (await t.db.pool.query('SELECT count(*)::int AS n FROM files')).rows[0].n as number;
}

function upload(token: string, body: Uint8Array, contentType = 'application/x-tar') {
  return fetch(new URL('/api/v2/files', t.url), {
    method: 'POST',
    headers: { 'Coder-Session-Token': token, 'Content-Type': contentType },
    body: body as RequestInit['body'],
  });
}

test('uploads are content-addressed per uploader: 201 first, 200 with the same id after', async () => {
  const owner = await t.owner();
  const admin = await t.newUser('tadmin-files', ['template-admin']);
  const tarball = await echoArchive({ import: { readme: 'same bytes' } });
  const first = await upload(owner.sessionToken!, tarball);
  assert.equal(first.status, 201);
  const { hash: id } = (await first.json()) as { hash: string };
  const again = await upload(owner.sessionToken!, tarball);
  assert.equal(again.status, 200);
  assert.equal(((await again.json()) as { hash: string }).hash, id);
  // Another uploader of the same bytes gets their own file.
  const theirs = await upload(admin.client.sessionToken!, tarball);
  assert.equal(theirs.status, 201);
  assert.notEqual(((await theirs.json()) as { hash: string }).hash, id);
  assert.deepEqual(Buffer.from(await owner.templates.downloadFile(id)), tarball);
  // Template admins read anyone's file; a member reads none they did not upload, and cannot upload.
  assert.deepEqual(Buffer.from(await admin.client.templates.downloadFile(id)), tarball);
  const member = await t.newUser('member-files');
  await expectError('not_found', () => member.client.templates.downloadFile(id));
  await expectError('not_found', () => owner.templates.downloadFile('not-a-uuid'));
  const before = await fileCount();
  await expectError('forbidden', () => member.client.templates.uploadFile(tarball));
  assert.equal(await fileCount(), before);
});

test('oversize, wrong type, empty and hostile archives are refused and nothing is stored', async () => {
  const owner = await t.owner();
  const before = await fileCount();
  const huge = await upload(owner.sessionToken!, Buffer.alloc(maxTemplateArchiveBytes + 1024));
  assert.equal(huge.status, 413);
  assert.match(((await huge.json()) as { message: string }).message, /larger than the limit of 10 MiB/);

  const wrongType = await upload(owner.sessionToken!, await echoArchive({}), 'application/json');
  assert.equal(wrongType.status, 400);
  const body = (await wrongType.json()) as { validations: { field: string }[] };
  assert.equal(body.validations[0]?.field, 'Content-Type');
  await expectError('invalid_input', () => owner.templates.uploadFile(new Uint8Array()));

  const hostile: { entries: Parameters<typeof tarOf>[0]; why: RegExp }[] = [
    { entries: [{ name: '/etc/passwd', data: 'x' }], why: /absolute path/ },
    { entries: [{ name: '../escape.tf', data: 'x' }], why: /contains "\.\."/ },
    {
      entries: [{ name: 'link', type: 'symlink', linkname: '../../etc/shadow' }],
      why: /outside the template/,
    },
    { entries: [{ name: 'null', type: 'character-device' }], why: /character-device/ },
  ];
  for (const h of hostile) {
    const err = await expectError('invalid_input', async () =>
      owner.templates.uploadFile(await tarOf([{ name: 'main.tf', data: '' }, ...h.entries])),
    );
    assert.match(err.message, h.why);
    assert.equal(err.validations[0]?.field, 'file');
  }
  const garbage = await expectError('invalid_input', () =>
    owner.templates.uploadFile(Buffer.from('this is not a tar archive at all'.repeat(40))),
  );
  assert.match(garbage.message, /Invalid template archive/);
  assert.equal(await fileCount(), before);
});
