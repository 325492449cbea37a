/**
 * The CLI's stored login: `<config dir>/url` and `<config dir>/session`, as Coder's config files.
 * The directory is 0700 and the files 0600 because the session token is a credential.
 */
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

export type ConfigFile = 'url' | 'session';

export class ConfigFiles {
  constructor(readonly dir: string) {}

  path(file: ConfigFile): string {
    return join(this.dir, file);
  }

  /** The file's trimmed content, or undefined when it is missing or empty. */
  async read(file: ConfigFile): Promise<string | undefined> {
    try {
      const text = (await readFile(this.path(file), 'utf8')).trim();
      return text || undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(file: ConfigFile, value: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    await writeFileAtomic(this.path(file), `${value}\n`, 0o600);
  }

  async remove(file: ConfigFile): Promise<void> {
    await rm(this.path(file), { force: true });
  }
}
