// Builds Hangar into dist/: TypeScript via tsc, then non-TS assets copied beside the JS, then the
// steps in scripts/build-steps/*.mjs in name order (each component adds its own packaging step there).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const started = Date.now();

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);

// Assets that code loads at run time from next to itself.
const assetExt = new Set(['.sql', '.proto', '.sh', '.tf', '.json', '.md', '.tftpl', '.txt']);
function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) copyAssets(full);
    else if (assetExt.has(path.extname(name))) {
      const out = path.join(root, 'dist', path.relative(root, full));
      mkdirSync(path.dirname(out), { recursive: true });
      cpSync(full, out);
    }
  }
}
copyAssets(path.join(root, 'src'));

const stepsDir = path.join(root, 'scripts/build-steps');
if (existsSync(stepsDir)) {
  for (const step of readdirSync(stepsDir)
    .filter((f) => f.endsWith('.mjs'))
    .sort()) {
    const mod = await import(pathToFileURL(path.join(stepsDir, step)).href);
    await mod.build({ root });
  }
}
console.error(`build: done in ${Date.now() - started} ms`);
