// Builds the dashboard (site/) into site/dist with Vite after type-checking it against the SDK, and
// writes gzip and brotli copies of the text files beside them so `hangar server` sends compressed
// bodies without compressing per request (src/coderd/site.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build as viteBuild } from 'vite';

function precompress(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) precompress(full);
    else if (/\.(html|js|css|svg|json|txt)$/.test(name)) {
      const body = readFileSync(full);
      if (body.length < 1024) continue;
      writeFileSync(`${full}.gz`, gzipSync(body, { level: 9 }));
      writeFileSync(
        `${full}.br`,
        brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      );
    }
  }
}

export async function build({ root }) {
  const started = Date.now();
  const site = path.join(root, 'site');
  const tsc = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(site, 'tsconfig.json')],
    { stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error('build: the dashboard does not type-check');
  await viteBuild({ configFile: path.join(site, 'vite.config.ts'), logLevel: 'warn' });
  const out = path.join(site, 'dist');
  precompress(out);
  const js = readdirSync(path.join(out, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .reduce((n, f) => n + statSync(path.join(out, 'assets', f)).size, 0);
  console.log(`build: dashboard (${Math.round(js / 1024)} KiB of JavaScript) in ${Date.now() - started} ms`);
}
