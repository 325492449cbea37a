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

// Files in the mirror may be in use by a running terraform (tests, the provisioner): they are
// only replaced when their bytes differ, and then by an atomic rename.
function replaceIfChanged(file, bytes, mode = 0o644) {
  if (existsSync(file) && readFileSync(file).equals(bytes)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

export async function build({ root }) {
  const started = Date.now();
  const load = (rel) => import(pathToFileURL(path.join(root, 'dist/src/tfprovider', rel)).href);
  const { parseProtoFiles } = await load('framework/proto-parse.js');
  const { providerVersion, providerSource, providerType, mirrorPlatforms } = await load('version.js');

  const mirror = path.join(root, 'dist/tfmirror');
  const scratch = path.join(root, 'dist', `.tfprovider-${process.pid}.js`);
  await esbuild({
    entryPoints: [path.join(root, 'src/tfprovider/main.ts')],
    outfile: scratch,
    // Source paths in the bundle's comments are relative to the root, and node_modules is taken
    // as found there even when it is a symlink (a git worktree's), so every checkout builds the
    // same bytes.
    absWorkingDir: root,
    preserveSymlinks: true,
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
    replaceIfChanged(path.join(mirror, providerSource, providerVersion, platform, name), bytes, 0o755);
  }
  // The executable has no .cjs extension, and Node would treat it as ESM under Hangar's
  // "type": "module" package.json; this one is nearer (Node resolves Terraform's symlink first).
  replaceIfChanged(path.join(mirror, 'package.json'), Buffer.from('{ "type": "commonjs" }\n'));
  const info = { version: providerVersion, sha256, bytes: bytes.length };
  replaceIfChanged(path.join(mirror, 'provider.json'), Buffer.from(JSON.stringify(info, null, 2) + '\n'));
  console.error(
    `build: coder provider v${providerVersion} (${Math.round(bytes.length / 1024)} KiB, sha256 ${sha256.slice(0, 12)}) in ${Date.now() - started} ms`,
  );
}
