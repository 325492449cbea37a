// Template fixtures: echo.json archives for the echo provisioner, and waiting for imports.
import tar from 'tar-stream';
import type { HangarClient } from '../../src/sdk/hangar-client.js';
import type { EchoTemplate } from '../../src/provisioner/echo/echo-provisioner.js';

export type { EchoTemplate };
import type { TemplateVersion } from '../../src/sdk/templates.js';

export interface TarEntry {
  name: string;
  data?: string | Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'character-device';
  linkname?: string;
}

/** A tar of raw entries, hostile ones included (tar-stream writes whatever it is given). */
export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    if (type === 'file') pack.entry({ name: e.name, mode: 0o644 }, e.data ?? '');
    else pack.entry({ name: e.name, type, linkname: e.linkname, mode: 0o644, devmajor: 1, devminor: 3 });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** A template archive for the echo provisioner: `echo.json` plus extra files (e.g. README.md). */
export function echoArchive(template: EchoTemplate, extra: TarEntry[] = []): Promise<Buffer> {
  return tarOf([{ name: 'echo.json', data: JSON.stringify(template) }, ...extra]);
}

const terminal = new Set(['succeeded', 'failed', 'canceled']);

/** Polls a version until its import job ends (or `until` holds). */
export async function waitForImport(
  client: HangarClient,
  versionId: string,
  until: (v: TemplateVersion) => boolean = (v) => terminal.has(v.job.status),
  timeoutMs = 20_000,
): Promise<TemplateVersion> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await client.templates.version(versionId);
    if (until(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`version ${versionId} still ${v.job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Uploads an echo template and creates a version from it; waits for the import by default. */
export async function pushEchoVersion(
  client: HangarClient,
  template: EchoTemplate,
  opts: { org?: string; templateId?: string; name?: string; wait?: boolean; extra?: TarEntry[] } = {},
): Promise<TemplateVersion> {
  const { hash } = await client.templates.uploadFile(await echoArchive(template, opts.extra));
  const v = await client.templates.createVersion(opts.org ?? 'default', {
    file_id: hash,
    provisioner: 'echo',
    template_id: opts.templateId,
    name: opts.name,
  });
  return opts.wait === false ? v : waitForImport(client, v.id);
}
