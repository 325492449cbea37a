// Runs the real `bin/hangar` as a user would: its own process, a config dir, optional stdin.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hangarBin } from './server.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** --global-config for the run; omit to leave the environment's choice. */
  configDir?: string;
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (stdin is never a TTY here). */
  input?: string;
  timeoutMs?: number;
}

/** HANGAR_* variables from the developer's shell must not leak into runs. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('HANGAR_') && key !== 'HANGAR_TEST_POSTGRES_URL') delete env[key];
  return env;
}

export function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...cleanEnv(), NO_COLOR: '1' };
  if (opts.configDir) env.HANGAR_CONFIG_DIR = opts.configDir;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [hangarBin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(opts.input ?? '');
  const timeoutMs = opts.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hangar ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** A fresh, empty CLI config directory (one per simulated user). */
export function tempConfigDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'hangar-cli-'));
}

/** What `hangar <path> --help` prints, rendered in-process (80 columns, as a pipe gets). */
export function helpText(root: Command, path: string[]): string {
  let cmd = root;
  for (const name of path) cmd = cmd.commands.find((c) => c.name() === name)!;
  let out = '';
  cmd.configureOutput({
    writeOut: (s) => (out += s),
    getOutHelpWidth: () => 80,
    getOutHasColors: () => false,
  });
  cmd.outputHelp();
  return out;
}
