// `node scripts/verify-deploy.mjs`: checks the files under deploy/ with whatever this machine has,
// and says plainly what it could not run. Run after `npm run build`.
//   systemd   systemd-analyze verify on the unit (installed paths pointed at this checkout)
//   k8s       kubectl kustomize renders the manifests; the pieces the docs promise are there
//   image     the image's file set (package.json, bin, dist, production node_modules only) copied
//             to a temporary directory, where `hangar server` must start on a bundled database
//   docker    docker build of deploy/container/Dockerfile, when a Docker daemon answers
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '..');
const results = [];
const report = (name, status, detail = '') => results.push({ name, status, detail });
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function checkSystemd() {
  if (!has('systemd-analyze')) return report('systemd', 'not run', 'systemd-analyze is not installed');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-unit-'));
  try {
    const unit = readFileSync(path.join(root, 'deploy/systemd/hangar.service'), 'utf8').replaceAll(
      '/opt/hangar',
      root,
    );
    writeFileSync(path.join(dir, 'hangar.service'), unit);
    const r = spawnSync('systemd-analyze', ['verify', path.join(dir, 'hangar.service')], {
      encoding: 'utf8',
    });
    // Unknown keys are only warnings with exit code 0: any output fails the check.
    const out = `${r.stdout}${r.stderr}`.trim();
    if (r.status !== 0 || out) return report('systemd', 'FAILED', out);
    report('systemd', 'ok', 'systemd-analyze verify: no findings');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkKubernetes() {
  if (!has('kubectl')) return report('k8s', 'not run', 'kubectl is not installed');
  const r = spawnSync('kubectl', ['kustomize', path.join(root, 'deploy/kubernetes')], { encoding: 'utf8' });
  if (r.status !== 0) return report('k8s', 'FAILED', r.stderr);
  const kinds = [...r.stdout.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]).sort();
  const want = ['ConfigMap', 'Deployment', 'Deployment', 'Namespace', 'PodDisruptionBudget', 'Service'];
  const problems = [];
  if (JSON.stringify(kinds) !== JSON.stringify(want)) problems.push(`kinds ${kinds.join(', ')}`);
  if (!/fieldPath: status\.podIP/.test(r.stdout) || !/value: http:\/\/\$\(POD_IP\):3000/.test(r.stdout))
    problems.push('the relay URL does not come from the pod IP');
  if (!/secretKeyRef:\s+key: url\s+name: hangar-postgres/.test(r.stdout))
    problems.push('no PostgreSQL secret');
  if (problems.length) return report('k8s', 'FAILED', problems.join('; '));
  report(
    'k8s',
    'ok',
    `kubectl kustomize renders ${kinds.length} objects (schemas not checked: no API server here)`,
  );
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function checkImageFiles() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-image-'));
  // The bundled PostgreSQL runs as the postgres user when we are root: it must traverse these.
  chmodSync(dir, 0o755);
  const app = path.join(dir, 'app');
  try {
    for (const f of ['package.json', 'bin'])
      cpSync(path.join(root, f), path.join(app, f), { recursive: true });
    for (const d of readdirSync(path.join(root, 'dist')))
      if (d !== 'test' && d !== 'bench')
        cpSync(path.join(root, 'dist', d), path.join(app, 'dist', d), { recursive: true });
    const ls = spawnSync('npm', ['ls', '--omit=dev', '--parseable', '--all'], {
      cwd: root,
      encoding: 'utf8',
    });
    // npm lists real paths; node_modules may be a symlink to a shared tree.
    const modules = realpathSync(path.join(root, 'node_modules'));
    for (const p of ls.stdout.split('\n').slice(1).filter(Boolean)) {
      const rel = path.relative(modules, realpathSync(p));
      cpSync(p, path.join(app, 'node_modules', rel), { recursive: true, dereference: true });
    }
    const port = await freePort();
    const home = path.join(dir, 'home');
    const server = spawn(process.execPath, [path.join(app, 'bin/hangar'), 'server'], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        HANGAR_CONFIG_DIR: path.join(home, 'config'),
        HANGAR_HTTP_ADDRESS: `127.0.0.1:${port}`,
        HANGAR_PROVISIONER_DAEMONS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    server.stdout.on('data', (d) => (log += d));
    server.stderr.on('data', (d) => (log += d));
    let ok = false;
    for (let i = 0; i < 60 && server.exitCode === null; i++) {
      if ((await status(`http://127.0.0.1:${port}/api/v2/buildinfo`)) === 200) {
        ok = true;
        break;
      }
      await sleep(1000);
    }
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    if (!ok)
      return report(
        'image',
        'FAILED',
        `the server did not start from the image's files:\n${log.slice(-2000)}`,
      );
    report(
      'image',
      'ok',
      'hangar server started from package.json, bin, dist and production node_modules only',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function status(url) {
  return new Promise((resolve) =>
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
      .on('error', () => resolve(undefined)),
  );
}

function checkDocker() {
  if (!has('docker')) return report('docker', 'not run', 'docker is not installed');
  if (spawnSync('docker', ['info'], { encoding: 'utf8' }).status !== 0)
    return report('docker', 'not run', 'no Docker daemon answers here, so the image was not built');
  const r = spawnSync('docker', ['build', '-f', 'deploy/container/Dockerfile', '-t', 'hangar:verify', '.'], {
    cwd: root,
    stdio: 'inherit',
  });
  report('docker', r.status === 0 ? 'ok' : 'FAILED', 'docker build -f deploy/container/Dockerfile');
}

checkSystemd();
checkKubernetes();
await checkImageFiles();
checkDocker();
for (const r of results) console.log(`${r.status.padEnd(8)} ${r.name.padEnd(8)} ${r.detail}`);
process.exitCode = results.some((r) => r.status === 'FAILED') ? 1 : 0;
