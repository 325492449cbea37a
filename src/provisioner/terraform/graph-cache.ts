/**
 * `terraform graph -type=plan` depends only on the configuration (the template archive and the
 * modules `init` resolved) and Terraform's version, so its DOT output is cached per daemon host:
 * the import runs it once per template version and every later build of that version skips the
 * process (docs/adr/0030).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class GraphCache {
  constructor(private readonly dir: string) {}

  /** The key of a configuration: archive bytes, resolved modules and the terraform version. */
  static async key(archiveBase64: string, templateDir: string, terraformVersion: string): Promise<string> {
    const modules = await readFile(join(templateDir, '.terraform', 'modules', 'modules.json'), 'utf8').catch(
      () => '',
    );
    return createHash('sha256')
      .update(terraformVersion)
      .update('\0')
      .update(archiveBase64)
      .update('\0')
      .update(modules)
      .digest('hex');
  }

  async get(key: string): Promise<string | undefined> {
    return readFile(join(this.dir, `${key}.dot`), 'utf8').catch(() => undefined);
  }

  async put(key: string, dot: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `${key}.${process.pid}.${Date.now()}.tmp`);
    await writeFile(tmp, dot);
    await rename(tmp, join(this.dir, `${key}.dot`));
  }
}
