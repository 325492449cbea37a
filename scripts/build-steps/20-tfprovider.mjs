// Packages the coder Terraform provider (src/tfprovider) as one executable JavaScript file in a
// Terraform filesystem-mirror layout: dist/tfmirror/registry.terraform.io/coder/coder/<version>/<os_arch>/.
// The protos are parsed here and embedded as JSON so a provider start skips the proto parser.
// The output is deterministic; src/tfprovider/release-hashes.json records its hash per version.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';

// The bundle carries the parsed descriptor, so the parser module (and protobufjs' full build)
// is replaced by a stub that is never called.
const withoutProtoParser = {
  name: 'without-proto-parser',
  setup(b) {
    b.onResolve({ filter: /\/proto-parse\.js$/ }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export function parseProtoFiles() { throw new Error("protos are embedded in the bundle"); }',
      loader: 'js',
    }));
  },
};

export async function build({ root }) {
  const started = Date.now();
  const load = (rel) => import(pathToFileURL(path.join(root, 'dist/src/tfprovider', rel)).href);
  const { parseProtoFiles } = await load('framework/proto-parse.js');
  const { providerVersion, providerSource, providerType, mirrorPlatforms } = await load('version.js');

  // Bundle into a scratch file first: the mirror may be in use by a running terraform (tests,
  // the provisioner), so files there are only ever replaced by an atomic rename.
  const mirror = path.join(root, 'dist/tfmirror');
  const scratch = path.join(root, 'dist', `.tfprovider-${process.pid}.js`);
  await esbuild({
    entryPoints: [path.join(root, 'src/tfprovider/main.ts')],
    outfile: scratch,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    define: {
      HANGAR_TFPROVIDER_PROTO: JSON.stringify(parseProtoFiles(path.join(root, 'src/tfprovider/proto'))),
    },
    legalComments: 'eof',
    logLevel: 'warning',
    plugins: [withoutProtoParser],
  });
  const bytes = readFileSync(scratch);
  rmSync(scratch);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  const name = `terraform-provider-${providerType}_v${providerVersion}`;
  for (const platform of mirrorPlatforms) {
    const out = path.join(mirror, providerSource, providerVersion, platform, name);
    if (existsSync(out) && readFileSync(out).equals(bytes)) continue;
    mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    writeFileSync(tmp, bytes, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    renameSync(tmp, out);
  }
  // The executable has no .cjs extension, and Node would treat it as ESM under Hangar's
  // "type": "module" package.json; this one is nearer (Node resolves Terraform's symlink first).
  writeFileSync(path.join(mirror, 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(
    path.join(mirror, 'provider.json'),
    JSON.stringify({ version: providerVersion, sha256, bytes: bytes.length }, null, 2) + '\n',
  );
  console.error(
    `build: coder provider v${providerVersion} (${Math.round(bytes.length / 1024)} KiB, sha256 ${sha256.slice(0, 12)}) in ${Date.now() - started} ms`,
  );
}
