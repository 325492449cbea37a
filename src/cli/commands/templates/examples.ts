/**
 * The starter templates shipped with Hangar (examples/templates/<id>, copied into dist/ by
 * scripts/build-steps/30-template-examples.mjs). Each README.md starts with front matter giving
 * its display name, description and tags, as Coder's examples do.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface TemplateExample {
  id: string;
  name: string;
  description: string;
  tags: string[];
  dir: string;
}

/** dist/examples/templates from dist/src/cli/commands/templates; the source tree otherwise. */
export function examplesDir(): string {
  const here = import.meta.dirname;
  const candidates = [
    path.resolve(here, '../../../../examples/templates'),
    path.resolve(here, '../../../../../examples/templates'),
  ];
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}

function frontMatter(readme: string): Record<string, string> {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readme);
  const out: Record<string, string> = {};
  for (const line of m?.[1]?.split(/\r?\n/) ?? []) {
    const kv = /^(\w+):\s*(.*)$/.exec(line);
    if (kv) out[kv[1]!] = kv[2]!.trim().replace(/^"(.*)"$/, '$1');
  }
  return out;
}

export async function listExamples(dir = examplesDir()): Promise<TemplateExample[]> {
  const ids = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  const examples = await Promise.all(
    ids.map(async (id) => {
      const meta = frontMatter(await readFile(path.join(dir, id, 'README.md'), 'utf8').catch(() => ''));
      return {
        id,
        name: meta.display_name ?? id,
        description: meta.description ?? '',
        tags: (meta.tags ?? '')
          .replace(/^\[|\]$/g, '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        dir: path.join(dir, id),
      };
    }),
  );
  // The default first, then by id.
  return examples.sort(
    (a, b) => Number(b.id === 'local') - Number(a.id === 'local') || a.id.localeCompare(b.id),
  );
}
