/**
 * Test helper: a temporary Terraform working directory wired to the built provider through a
 * filesystem-mirror CLI config, with no network and no inherited CODER_* variables.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliConfigFor, providerMirrorDir } from '../mirror.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const providerBlock = `terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
  }
}
`;

export class TerraformWorkdir {
  private constructor(
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Writes `files` (main.tf etc.) and the CLI config; call `dispose` when done. */
  static async create(
    files: Record<string, string>,
    env: Record<string, string> = {},
  ): Promise<TerraformWorkdir> {
    const dir = await mkdtemp(join(tmpdir(), 'hangar-tfprovider-test-'));
    await writeFile(join(dir, 'cli.tfrc'), cliConfigFor(providerMirrorDir()));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('CODER_') && !k.startsWith('TF_')),
    );
    return new TerraformWorkdir(dir, {
      ...base,
      TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc'),
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      ...env,
    });
  }

  async write(name: string, text: string): Promise<void> {
    await writeFile(join(this.dir, name), text);
  }

  run(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      execFile(
        'terraform',
        [...args, '-no-color'],
        { cwd: this.dir, env: { ...this.env, ...env }, maxBuffer: 64 << 20 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Runs a command that must succeed; throws with its output otherwise. */
  async ok(args: string[], env: Record<string, string> = {}): Promise<string> {
    const r = await this.run(args, env);
    if (r.code !== 0)
      throw new Error(`terraform ${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
