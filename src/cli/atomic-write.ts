/**
 * Replaces a file's content all at once: written to a temporary file beside it, flushed, then
 * renamed over it, so a crash or a full disk never leaves a half-written file (a login token, the
 * user's ~/.ssh/config). A symlinked file is updated where the link points, and the link stays.
 */
import { randomBytes } from 'node:crypto';
import { chmod, open, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(file: string, data: string, mode: number): Promise<void> {
  const target = await realpath(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return file;
    throw err;
  });
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open's mode is filtered by the umask; the file gets exactly the mode asked for.
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
