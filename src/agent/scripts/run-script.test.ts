import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runScript, type RunScriptOptions } from './run-script.js';
import { outcomeOf, scriptLogPath } from './script-runner.js';

/** Running and not a zombie (where no init reaps orphans, as in many containers, zombies linger). */
const alive = (pid: number) => {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function run(script: string, extra: Partial<RunScriptOptions> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'hangar-script-'));
  const lines: [string, string][] = [];
  const logPath = path.join(dir, 'script.log');
  const result = await runScript({
    shell: '/bin/sh',
    script,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    cwd: dir,
    timeoutMs: 0,
    logPath,
    onLine: (level, line) => lines.push([level, line]),
    killGraceMs: 500,
    pipeWaitMs: 500,
    ...extra,
  });
  return { result, lines, log: await readFile(logPath, 'utf8'), dir };
}

test('stdout lines are info, stderr lines error, both in the log file; exit 0 is ok', async () => {
  const { result, lines, log } = await run('echo one; echo two >&2; printf "no newline"');
  assert.equal(result.status, 'ok');
  assert.equal(result.exitCode, 0);
  assert.deepEqual(lines.sort(), [
    ['error', 'two'],
    ['info', 'no newline'],
    ['info', 'one'],
  ]);
  assert.match(log, /one\n/);
  assert.match(log, /two\n/);
});

test('a non-zero exit is exit_failure with its code', async () => {
  const { result, lines } = await run('echo failing >&2; exit 3');
  assert.equal(result.status, 'exit_failure');
  assert.equal(result.exitCode, 3);
  assert.deepEqual(lines, [['error', 'failing']]);
});

test('a timeout ends the whole process group, including what the script started', async () => {
  const started = Date.now();
  const { result, lines, dir } = await run('sleep 30 & echo $! > child.pid; echo started; wait', {
    timeoutMs: 300,
  });
  assert.equal(result.status, 'timed_out');
  assert.ok(Date.now() - started < 5_000, 'the run ends soon after its timeout');
  assert.ok(lines.some(([, l]) => l === 'started'));
  assert.ok(lines.some(([level, l]) => level === 'error' && /timed out after 0.3s/.test(l)));
  const child = Number(await readFile(path.join(dir, 'child.pid'), 'utf8'));
  await sleep(100);
  assert.equal(alive(child), false, 'the background sleep was killed with the group');
});

test('TERM ignored: KILL follows after the grace period', async () => {
  const { result } = await run("trap '' TERM; echo ready; sleep 30", { timeoutMs: 200, killGraceMs: 300 });
  assert.equal(result.status, 'timed_out');
});

test('output left open by a background process: pipes_left_open with a warning, after the wait', async () => {
  const { result, lines, dir } = await run('sleep 30 & echo $! > child.pid; echo bye');
  assert.equal(result.status, 'pipes_left_open');
  assert.equal(result.exitCode, 0);
  assert.ok(
    lines.some(([level, l]) => level === 'error' && l.startsWith('WARNING: script exited successfully')),
  );
  process.kill(Number(await readFile(path.join(dir, 'child.pid'), 'utf8')), 'SIGKILL');
});

test('a background process with its output redirected does not hold the script', async () => {
  const { result, dir } = await run('sleep 30 >/dev/null 2>&1 & echo $! > child.pid');
  assert.equal(result.status, 'ok');
  process.kill(Number(await readFile(path.join(dir, 'child.pid'), 'utf8')), 'SIGKILL');
});

test('an abort (agent shutdown) ends the script as failed', async () => {
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 200);
  const { result } = await run('sleep 30', { signal: abort.signal });
  assert.equal(result.status, 'exit_failure');
});

test('a missing shell fails the run with a reason', async () => {
  const { result, lines } = await run('true', { shell: '/nonexistent/shell' });
  assert.equal(result.status, 'exit_failure');
  assert.match(lines.map(([, l]) => l).join('\n'), /cannot run the script/);
});

test('outcome: any timeout wins, then any failure', () => {
  const r = (status: 'ok' | 'exit_failure' | 'timed_out' | 'pipes_left_open') => ({
    status,
    exitCode: 0,
    startedAt: new Date(),
    endedAt: new Date(),
  });
  assert.equal(outcomeOf([]), 'ok');
  assert.equal(outcomeOf([r('ok'), r('ok')]), 'ok');
  assert.equal(outcomeOf([r('ok'), r('pipes_left_open')]), 'error');
  assert.equal(outcomeOf([r('exit_failure'), r('timed_out')]), 'timeout');
});

test('log paths follow Coder: default per source, ~ is home, $VARS expand, relative under the log dir', () => {
  const s = { log_source_id: 'src-1', log_path: '' } as Parameters<typeof scriptLogPath>[0];
  const env = { HOME: '/home/dev', WHERE: 'logs' };
  assert.equal(scriptLogPath(s, '/var/log/agent', env), '/var/log/agent/coder-script-src-1.log');
  assert.equal(
    scriptLogPath({ ...s, log_path: 'coder-startup-script.log' }, '/l', env),
    '/l/coder-startup-script.log',
  );
  assert.equal(scriptLogPath({ ...s, log_path: '~/x.log' }, '/l', env), '/home/dev/x.log');
  assert.equal(scriptLogPath({ ...s, log_path: '/tmp/$WHERE/x.log' }, '/l', env), '/tmp/logs/x.log');
});
