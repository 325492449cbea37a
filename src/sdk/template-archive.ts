/**
 * Template archives (tar): packed by the CLI, validated by coderd on upload and extracted by the
 * provisioner. Every entry is checked before anything is written, so a hostile archive (absolute
 * paths, `..`, links escaping the root, devices, oversize) is refused whole with a clear error.
 * Not exported from index.ts: the dashboard has no use for a tar parser.
 */
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import tar from 'tar-stream';
import { InvalidInput } from './errors.js';
import { maxTemplateArchiveBytes } from './templates.js';

export interface ArchiveEntry {
  /** Normalized relative POSIX path without a leading `./`. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  data: Buffer;
  /** Symlinks only: the link target, relative and inside the archive. */
  linkname?: string;
}

export interface ArchiveLimits {
  /** Sum of file sizes. */
  maxBytes: number;
  maxFileBytes: number;
  maxEntries: number;
}

export const defaultArchiveLimits: ArchiveLimits = {
  maxBytes: maxTemplateArchiveBytes,
  maxFileBytes: maxTemplateArchiveBytes,
  maxEntries: 10_000,
};

/** Files `packTemplateDirectory` leaves out: Terraform's working data and local state. */
const skippedNames = new Set(['.terraform', '.git', 'terraform.tfstate', 'terraform.tfstate.backup']);

function invalid(message: string): InvalidInput {
  return new InvalidInput(`Invalid template archive: ${message}`, {
    validations: [{ field: 'file', detail: message }],
  });
}

function refuse(message: string): never {
  throw invalid(message);
}

function normalizeEntryPath(name: string): string {
  if (name.includes('\0')) refuse(`entry name contains a NUL byte.`);
  if (name.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(name)) refuse(`"${name}" is an absolute path.`);
  const parts = name.replace(/\\/g, '/').split('/');
  if (parts.includes('..')) refuse(`"${name}" contains "..".`);
  const clean = path.posix.normalize(parts.filter((p) => p !== '' && p !== '.').join('/'));
  return clean === '.' ? '' : clean;
}

/** Parses and validates a tar in memory; throws InvalidInput naming the first bad entry. */
export async function readTemplateArchive(
  archive: Uint8Array,
  limits: ArchiveLimits = defaultArchiveLimits,
): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  let total = 0;
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const fail = (err: unknown) => {
        stream.resume();
        reject(err);
      };
      try {
        if (entries.length >= limits.maxEntries) refuse(`more than ${limits.maxEntries} entries.`);
        const name = normalizeEntryPath(header.name);
        let type: ArchiveEntry['type'];
        if (header.type === 'file' || header.type === 'contiguous-file') type = 'file';
        else if (header.type === 'directory') type = 'directory';
        else if (header.type === 'symlink') type = 'symlink';
        else
          refuse(`"${header.name}" is a ${header.type}; only files, directories and symlinks are allowed.`);
        if (name === '' && type !== 'directory') refuse(`an entry has an empty name.`);
        let linkname: string | undefined;
        if (type === 'symlink') {
          const target = header.linkname ?? '';
          if (target.startsWith('/')) refuse(`symlink "${name}" points to an absolute path.`);
          const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(name), target));
          if (resolved === '..' || resolved.startsWith('../'))
            refuse(`symlink "${name}" points outside the template.`);
          linkname = target;
        }
        const size = header.size ?? 0;
        if (size > limits.maxFileBytes) refuse(`"${name}" is larger than ${limits.maxFileBytes} bytes.`);
        total += size;
        if (total > limits.maxBytes) refuse(`the files add up to more than ${limits.maxBytes} bytes.`);
        const chunks: Buffer[] = [];
        stream.on('data', (c: unknown) => void chunks.push(c as Buffer));
        stream.on('error', reject);
        stream.on('end', () => {
          if (name !== '')
            entries.push({
              path: name,
              type,
              mode: (header.mode ?? 0o644) & 0o777,
              data: Buffer.concat(chunks),
              linkname,
            });
          next();
        });
      } catch (err) {
        fail(err);
      }
    });
    extract.on('finish', resolve);
    extract.on('error', (err: Error) =>
      reject(err instanceof InvalidInput ? err : invalid(`not a readable tar (${err.message}).`)),
    );
  });
  extract.end(Buffer.from(archive));
  await done.catch((err: unknown) => {
    extract.destroy();
    throw err instanceof InvalidInput ? err : invalid(`not a readable tar (${(err as Error).message}).`);
  });
  return entries;
}

/**
 * Extracts into `dir` (created if needed) only after the whole archive validated. Files get at
 * most mode 0755 and never set-id bits.
 */
export async function extractTemplateArchive(
  archive: Uint8Array,
  dir: string,
  limits: ArchiveLimits = defaultArchiveLimits,
): Promise<ArchiveEntry[]> {
  const entries = await readTemplateArchive(archive, limits);
  await mkdir(dir, { recursive: true });
  // Links last, so no file is ever written through a link created by the same archive.
  const ordered = [
    ...entries.filter((e) => e.type !== 'symlink'),
    ...entries.filter((e) => e.type === 'symlink'),
  ];
  for (const e of ordered) {
    const target = path.join(dir, e.path);
    if (e.type === 'directory') await mkdir(target, { recursive: true, mode: 0o755 });
    else {
      await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
      if (e.type === 'symlink') await symlink(e.linkname!, target);
      else await writeFile(target, e.data, { mode: e.mode & 0o755 ? e.mode & 0o755 : 0o644, flag: 'wx' });
    }
  }
  return entries;
}

/** Packs a template directory into a tar, skipping Terraform's working files and `.git`. */
export async function packTemplateDirectory(dir: string): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(path.join(dir, rel))).sort();
    for (const name of names) {
      if (skippedNames.has(name)) continue;
      const relPath = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, relPath);
      const st = await lstat(full);
      if (st.isDirectory()) {
        pack.entry({ name: `${relPath}/`, type: 'directory', mode: 0o755, mtime: new Date(0) });
        await walk(relPath);
      } else if (st.isSymbolicLink()) {
        pack.entry({
          name: relPath,
          type: 'symlink',
          linkname: await readlink(full),
          mode: 0o777,
          mtime: new Date(0),
        });
      } else if (st.isFile()) {
        pack.entry({ name: relPath, mode: st.mode & 0o777, mtime: new Date(0) }, await readFile(full));
      }
    }
  };
  await walk('');
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}
