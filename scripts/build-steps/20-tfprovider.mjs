// Packages the coder Terraform provider (src/tfprovider) as one executable JavaScript file in a
// Terraform filesystem-mirror layout: dist/tfmirror/registry.terraform.io/coder/coder/<version>/<os_arch>/.
// The protos are parsed here and embedded as JSON so a provider start skips the proto parser.
// The output is deterministic; src/tfprovider/release-hashes.json records its hash per version.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  const mirror = path.join(root, 'dist/tfmirror');
  rmSync(mirror, { recursive: true, force: true });
  const name = `terraform-provider-${providerType}_v${providerVersion}`;
  const first = path.join(mirror, providerSource, providerVersion, mirrorPlatforms[0], name);
  mkdirSync(path.dirname(first), { recursive: true });

  await esbuild({
    entryPoints: [path.join(root, 'src/tfprovider/main.ts')],
    outfile: first,
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
  chmodSync(first, 0o755);
  for (const platform of mirrorPlatforms.slice(1)) {
    const out = path.join(mirror, providerSource, providerVersion, platform, name);
    mkdirSync(path.dirname(out), { recursive: true });
    copyFileSync(first, out);
    chmodSync(out, 0o755);
  }
  // The executable has no .cjs extension, and Node would treat it as ESM under Hangar's
  // "type": "module" package.json; this one is nearer (Node resolves Terraform's symlink first).
  writeFileSync(path.join(mirror, 'package.json'), '{ "type": "commonjs" }\n');
  const bytes = readFileSync(first);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(
    path.join(mirror, 'provider.json'),
    JSON.stringify({ version: providerVersion, sha256, bytes: bytes.length }, null, 2) + '\n',
  );
  console.error(
    `build: coder provider v${providerVersion} (${Math.round(bytes.length / 1024)} KiB, sha256 ${sha256.slice(0, 12)}) in ${Date.now() - started} ms`,
  );
}
