// Bundles the workspace agent into one ES module, dist/agent-bundle/hangar-agent.mjs, which coderd
// serves at /bin/hangar-agent.mjs to workspaces that have Node.js 20+ (the init script checks it
// against /bin/hangar-agent.mjs.sha256). Written only when its bytes change, atomically, because
// a running server may be serving it.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build as esbuild } from 'esbuild';

export async function build({ root }) {
  const started = Date.now();
  const result = await esbuild({
    entryPoints: [path.join(root, 'dist/src/cli/agent/bundle-entry.js')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    minify: true,
    legalComments: 'none',
    // ws loads these optional native speed-ups with a guarded require; workspaces may not have them.
    external: ['bufferutil', 'utf-8-validate'],
    // Bundled CommonJS dependencies call require(); give the ES module one.
    banner: {
      js: "import { createRequire as __hangarRequire } from 'node:module'; const require = __hangarRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const bytes = Buffer.from(result.outputFiles[0].contents);
  const out = path.join(root, 'dist/agent-bundle/hangar-agent.mjs');
  if (existsSync(out) && readFileSync(out).equals(bytes)) return;
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, out);
  console.log(`build: agent bundle (${Math.round(bytes.length / 1024)} KiB) in ${Date.now() - started} ms`);
}
