import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import tar from 'tar-stream';
import { InvalidInput } from './errors.js';
import { extractTemplateArchive, packTemplateDirectory, readTemplateArchive } from './template-archive.js';

type Header = Parameters<ReturnType<typeof tar.pack>['entry']>[0] & { body?: string };

async function makeTar(entries: Header[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((r) => pack.on('end', () => r()));
  for (const { body, ...h } of entries) pack.entry(h, body ?? '');
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

const tmp = await mkdtemp(path.join(os.tmpdir(), 'hangar-archive-'));
after(() => rm(tmp, { recursive: true, force: true }));

test('pack → read → extract round-trips files, dirs and inside links; skips .terraform and state', async () => {
  const src = path.join(tmp, 'src');
  await mkdir(path.join(src, 'sub'), { recursive: true });
  await mkdir(path.join(src, '.terraform'));
  await writeFile(path.join(src, 'main.tf'), 'terraform {}\n');
  await writeFile(path.join(src, 'sub', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
  await writeFile(path.join(src, 'terraform.tfstate'), '{}');
  await writeFile(path.join(src, '.terraform', 'x'), 'cache');
  await symlink('sub/run.sh', path.join(src, 'link.sh'));
  const archive = await packTemplateDirectory(src);
  assert.deepEqual(
    await packTemplateDirectory(src),
    archive,
    'packing is deterministic (content-addressed upload)',
  );
  const entries = await readTemplateArchive(archive);
  assert.deepEqual(entries.map((e) => e.path).sort(), ['link.sh', 'main.tf', 'sub', 'sub/run.sh']);
  const out = path.join(tmp, 'out');
  await extractTemplateArchive(archive, out);
  assert.equal(await readFile(path.join(out, 'main.tf'), 'utf8'), 'terraform {}\n');
  assert.equal((await lstat(path.join(out, 'sub', 'run.sh'))).mode & 0o111, 0o111);
  assert.equal(await readlink(path.join(out, 'link.sh')), 'sub/run.sh');
});

const attacks: [string, Header[], RegExp][] = [
  ['absolute path', [{ name: '/etc/evil', body: 'x' }], /absolute path/],
  ['parent traversal', [{ name: 'a/../../evil', body: 'x' }], /contains "\.\."/],
  [
    'symlink escaping',
    [{ name: 'l', type: 'symlink', linkname: '../../etc/passwd' }],
    /outside the template/,
  ],
  ['absolute symlink', [{ name: 'l', type: 'symlink', linkname: '/etc/passwd' }], /absolute path/],
  [
    'character device',
    [{ name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 }],
    /character-device/,
  ],
  ['hard link', [{ name: 'h', type: 'link', linkname: 'main.tf' }], /only files, directories and symlinks/],
  ['file over the limit', [{ name: 'big', body: 'x'.repeat(2048) }], /larger than 1024 bytes/],
];

for (const [name, entries, message] of attacks) {
  test(`refuses an archive with a ${name}, writing nothing`, async () => {
    const archive = await makeTar([{ name: 'main.tf', body: 'ok' }, ...entries]);
    const dir = path.join(tmp, `attack-${name.replace(/\W/g, '-')}`);
    await assert.rejects(
      extractTemplateArchive(archive, dir, { maxBytes: 4096, maxFileBytes: 1024, maxEntries: 10 }),
      (err: unknown) => err instanceof InvalidInput && message.test(err.message),
    );
    await assert.rejects(readdir(dir), { code: 'ENOENT' });
  });
}

test('refuses garbage and too many entries', async () => {
  await assert.rejects(readTemplateArchive(Buffer.from('not a tar at all'.repeat(64))), InvalidInput);
  const many = await makeTar(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, body: 'x' })));
  await assert.rejects(
    readTemplateArchive(many, { maxBytes: 1e6, maxFileBytes: 1e6, maxEntries: 3 }),
    /more than 3/,
  );
});
