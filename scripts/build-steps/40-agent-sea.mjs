// Builds the standalone agent for workspaces without Node.js: a Node single executable application
// (SEA), dist/agent-bundle/hangar-agent-linux-<arch>, served by coderd at /bin/ (docs/adr/0014).
// It is this machine's `node` with the agent bundle and the native addons it needs (node-pty,
// bufferutil) injected as a blob; src/cli/agent/embedded-addon.ts extracts the addons at run time.
//
// Copying and injecting a ~100 MB binary takes seconds, so the result is kept while the hash of
// its inputs (this file, the node binary, the bundle, the addons, postject) is unchanged.
// Only the host's platform is built: the binary is the running node, and Node has no cross build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { build as esbuild } from 'esbuild';

const gzip = promisify(gzipCallback);

// Fixed by Node: the string postject flips to tell the binary it carries a blob.
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const arches = { x64: 'amd64', arm64: 'arm64' };

/** The .node files to embed, as asset name → path, found where node_modules has them. */
function addonFiles(root) {
  const req = createRequire(path.join(root, 'package.json'));
  const ptyDir = path.dirname(req.resolve('node-pty/package.json'));
  const bufferutilDir = path.dirname(req.resolve('bufferutil/package.json'));
  const nodeGypBuild = createRequire(path.join(bufferutilDir, 'index.js'))('node-gyp-build');
  return {
    'pty.node': path.join(ptyDir, 'build/Release/pty.node'),
    'bufferutil.node': nodeGypBuild.path(bufferutilDir),
  };
}

// node-pty and bufferutil load their .node files from beside their JavaScript, which a SEA cannot
// do; these rewrites send both to the embedded copies. The optional speed-ups of ssh2 and ws that
// are not embedded (cpu-features, ssh2's crypto binding, utf-8-validate) become modules that throw
// as a missing module does, so their guarded requires take the JavaScript path without asking the
// SEA's require, which warns on every non-built-in name.
function embeddedAddons(root) {
  const loader = path.join(root, 'dist/src/cli/agent/embedded-addon.js');
  return {
    name: 'embedded-addons',
    setup(b) {
      b.onResolve({ filter: /^(cpu-features|utf-8-validate)$|\.node$/ }, (args) => ({
        path: args.path,
        namespace: 'absent',
      }));
      b.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
        contents: `throw Object.assign(new Error(${JSON.stringify(`${args.path} is not in the standalone agent`)}), { code: 'MODULE_NOT_FOUND' });`,
        loader: 'js',
      }));
      b.onResolve({ filter: /^bufferutil$/ }, () => ({ path: 'bufferutil', namespace: 'embedded-addon' }));
      b.onLoad({ filter: /.*/, namespace: 'embedded-addon' }, () => ({
        contents: `module.exports = require(${JSON.stringify(loader)}).loadEmbeddedAddon('bufferutil').exports;`,
        resolveDir: root,
        loader: 'js',
      }));
      // node-pty's lib/utils.js: keep the file, replace its loadNativeModule (called through exports).
      b.onLoad({ filter: /node-pty[\\/]lib[\\/]utils\.js$/ }, (args) => ({
        contents:
          readFileSync(args.path, 'utf8') +
          `\nexports.loadNativeModule = function (name) {\n` +
          `  const addon = require(${JSON.stringify(loader)}).loadEmbeddedAddon(name);\n` +
          `  return { dir: addon.dir, module: addon.exports };\n};\n`,
        loader: 'js',
      }));
    },
  };
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}

function hasStrip() {
  return spawnSync('strip', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function build({ root }) {
  const arch = arches[process.arch];
  if (process.platform !== 'linux' || !arch) {
    console.error(
      `build: no standalone agent for ${process.platform}/${process.arch} (Linux amd64/arm64 only)`,
    );
    return;
  }
  const started = Date.now();
  const outDir = path.join(root, 'dist/agent-bundle');
  const out = path.join(outDir, `hangar-agent-linux-${arch}`);
  const stamp = path.join(outDir, `.hangar-agent-linux-${arch}.inputs`);

  const bundled = await esbuild({
    entryPoints: [path.join(root, 'dist/src/cli/agent/bundle-entry.js')],
    absWorkingDir: root,
    preserveSymlinks: true,
    bundle: true,
    platform: 'node',
    // A SEA's entry is a CommonJS script whose require loads built-in modules only.
    format: 'cjs',
    target: 'node20',
    write: false,
    minify: true,
    legalComments: 'none',
    plugins: [embeddedAddons(root)],
    logLevel: 'error',
  });
  const main = Buffer.from(bundled.outputFiles[0].contents);
  const assets = addonFiles(root);
  const strip = hasStrip();

  const node = statSync(process.execPath);
  const inputs = createHash('sha256')
    .update(readFileSync(new URL(import.meta.url)))
    .update(`${process.execPath} ${process.version} ${node.size} ${node.mtimeMs} strip=${strip}\n`)
    .update(readFileSync(createRequire(import.meta.url).resolve('postject/package.json')))
    .update(main);
  for (const [name, file] of Object.entries(assets)) inputs.update(name).update(readFileSync(file));
  const inputHash = inputs.digest('hex');
  const cached = [out, `${out}.gz`, stamp].every((f) => existsSync(f));
  if (cached && readFileSync(stamp, 'utf8').trim() === inputHash) return;

  const work = path.join(root, 'dist', `.agent-sea-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    writeFileSync(path.join(work, 'main.cjs'), main);
    const config = {
      main: path.join(work, 'main.cjs'),
      output: path.join(work, 'sea.blob'),
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets,
    };
    writeFileSync(path.join(work, 'sea-config.json'), JSON.stringify(config));
    run(
      process.execPath,
      ['--experimental-sea-config', path.join(work, 'sea-config.json')],
      'node --experimental-sea-config',
    );

    const exe = path.join(work, 'hangar-agent');
    // Debug info and the symbol table are a tenth of the binary; addons link against the dynamic
    // symbols, which strip keeps.
    if (strip) run('strip', ['--strip-all', '-o', exe, process.execPath], 'strip');
    else copyFileSync(process.execPath, exe);
    chmodSync(exe, 0o755);
    const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
    run(
      process.execPath,
      [postject, exe, 'NODE_SEA_BLOB', config.output, '--sentinel-fuse', seaFuse],
      'postject',
    );
    // coderd sends this copy to clients that accept gzip: 38% of the bytes over the wire.
    writeFileSync(`${exe}.gz`, await gzip(readFileSync(exe), { level: 6 }));
    mkdirSync(outDir, { recursive: true });
    // A running coderd may be serving the old files: replace them by rename.
    renameSync(`${exe}.gz`, `${out}.gz`);
    renameSync(exe, out);
    writeFileSync(stamp, inputHash + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const mb = (statSync(out).size / 1e6).toFixed(1);
  console.error(
    `build: standalone agent hangar-agent-linux-${arch} (${mb} MB) in ${Date.now() - started} ms`,
  );
}
