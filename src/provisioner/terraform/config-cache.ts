/**
 * Facts about a configuration that only its files decide, cached per daemon host so later jobs of
 * the same template version skip a terraform process (docs/adr/0030):
 * - the `terraform graph -type=plan` output (DOT), which depends only on the configuration;
 * - that `terraform init` has nothing to do (no modules, no providers to install, no backend:
 *   it created neither `.terraform/` nor a lock file), so a fresh extraction needs no init either.
 * Keyed by sha256 of the Terraform version, the template archive and the modules `init` resolved.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class ConfigCache {
  constructor(private readonly dir: string) {}

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

  graph(key: string): Promise<string | undefined> {
    return readFile(join(this.dir, `${key}.dot`), 'utf8').catch(() => undefined);
  }

  putGraph(key: string, dot: string): Promise<void> {
    return this.put(`${key}.dot`, dot);
  }

  async initIsNoop(key: string): Promise<boolean> {
    return (await readFile(join(this.dir, `${key}.init-noop`), 'utf8').catch(() => undefined)) !== undefined;
  }

  markInitNoop(key: string): Promise<void> {
    return this.put(`${key}.init-noop`, '');
  }

  private async put(name: string, text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `${name}.${process.pid}.${Date.now()}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, join(this.dir, name));
  }
}
