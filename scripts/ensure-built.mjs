// `npm start` on a fresh clone: install dependencies if missing, build if dist/ is missing or older
// than the sources. Uses only Node built-ins because it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const st = statSync(full);
    t = Math.max(t, st.isDirectory() ? newest(full) : st.mtimeMs);
  }
  return t;
}

if (!existsSync(path.join(root, 'node_modules/.package-lock.json'))) {
  console.error('hangar: installing dependencies (npm install)…');
  run(npm, ['install', '--no-audit', '--no-fund']);
}
const stamp = path.join(root, 'dist/.build-stamp');
// The dashboard (site/) is part of the build: `npm start` serves it from site/dist.
const sources = ['src', 'site/src', 'site/index.html', 'site/public'].map((p) => path.join(root, p));
const newestSource = Math.max(
  ...sources
    .filter((p) => existsSync(p))
    .map((p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs)),
);
if (!existsSync(stamp) || newestSource > statSync(stamp).mtimeMs) {
  console.error('hangar: building…');
  run(npm, ['run', 'build', '--silent']);
}
