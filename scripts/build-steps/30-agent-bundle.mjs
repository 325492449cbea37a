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
    // Native modules cannot be bundled. ws and ssh2 load their optional speed-ups (bufferutil,
    // cpu-features, ssh2's crypto binding) in guarded requires; node-pty is loaded on the first
    // PTY session, which fails with a clear message where the workspace lacks it.
    external: ['bufferutil', 'utf-8-validate', 'cpu-features', 'node-pty', '*.node'],
    // Bundled CommonJS dependencies use require, __filename and __dirname; give the module them.
    banner: {
      js: [
        "import { createRequire as __hangarRequire } from 'node:module';",
        "import { fileURLToPath as __hangarPath } from 'node:url';",
        'const require = __hangarRequire(import.meta.url);',
        'const __filename = __hangarPath(import.meta.url);',
        "const __dirname = __hangarPath(new URL('.', import.meta.url));",
      ].join(' '),
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
