// Copies the starter templates (examples/templates/<id>) into dist/examples/templates, where
// `hangar templates init` finds them; the copy is replaced whole so removed files do not linger.
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

export async function build({ root }) {
  const src = path.join(root, 'examples/templates');
  if (!existsSync(src)) return;
  const out = path.join(root, 'dist/examples/templates');
  const tmp = `${out}.tmp-${process.pid}`;
  cpSync(src, tmp, {
    recursive: true,
    filter: (p) => !/(^|\/)(\.terraform|terraform\.tfstate(\.backup)?|\.terraform\.lock\.hcl)$/.test(p),
  });
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
}
