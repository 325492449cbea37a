// The managed ssh_config section: what it holds, and that no workspace name, agent name or path
// can add a directive or run a command, checked by handing the result to the real OpenSSH client.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidInput } from '../../../sdk/errors.js';
import {
  parseSshOption,
  proxyCommand,
  renderSshConfigBlock,
  sectionEnd,
  sectionStart,
  type SshConfigBlockInput,
} from './ssh-config-block.js';

const base: SshConfigBlockInput = {
  hosts: [{ alias: 'dev', target: 'dev' }],
  hostPrefix: 'hangar.',
  hangarCommand: ['/usr/bin/node', '/opt/hangar/bin/hangar'],
  configDir: '/home/u/.config/hangar',
};

function invalidField(fn: () => unknown, field: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidInput, String(err));
    assert.equal(err.validations[0]?.field, field);
    return true;
  });
}

/** `ssh -G`: the configuration OpenSSH would use for `host`, as `keyword value` lines. */
function sshG(configFile: string, host: string): Map<string, string> {
  const r = spawnSync('ssh', ['-G', '-F', configFile, host], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return new Map(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => {
        const i = l.indexOf(' ');
        return [l.slice(0, i), l.slice(i + 1)] as [string, string];
      }),
  );
}

describe('ssh config block', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hangar-config-ssh-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('renders one Host per entry with Coder’s options and a ProxyCommand through the config dir', () => {
    const lines = renderSshConfigBlock({
      ...base,
      hosts: [
        { alias: 'dev', target: 'dev' },
        { alias: 'multi.main', target: 'multi.main' },
      ],
      extraOptions: [['ForwardAgent', 'yes']],
    });
    assert.deepEqual(lines, [
      sectionStart,
      '# This section is managed by `hangar config-ssh`. Do not edit it: every run rewrites it.',
      '# To remove it, delete everything from the START-HANGAR line to the END-HANGAR line.',
      '',
      'Host hangar.dev',
      '  ConnectTimeout 0',
      '  StrictHostKeyChecking no',
      '  UserKnownHostsFile /dev/null',
      '  LogLevel ERROR',
      '  Ciphers aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr',
      '  ForwardAgent yes',
      "  ProxyCommand '/usr/bin/node' '/opt/hangar/bin/hangar' --global-config '/home/u/.config/hangar' ssh --stdio 'dev'",
      '',
      'Host hangar.multi.main',
      '  ConnectTimeout 0',
      '  StrictHostKeyChecking no',
      '  UserKnownHostsFile /dev/null',
      '  LogLevel ERROR',
      '  Ciphers aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr',
      '  ForwardAgent yes',
      "  ProxyCommand '/usr/bin/node' '/opt/hangar/bin/hangar' --global-config '/home/u/.config/hangar' ssh --stdio 'multi.main'",
      '',
      sectionEnd,
    ]);
  });

  it('refuses names and values that would break out of their line or their Host pattern', () => {
    for (const alias of ['dev\nHost *', 'dev ProxyCommand x', 'dev*', '!dev', 'dev"', '-dev', 'a%h', 'dev\r'])
      invalidField(() => renderSshConfigBlock({ ...base, hosts: [{ alias, target: 'dev' }] }), 'workspace');
    invalidField(
      () => renderSshConfigBlock({ ...base, configDir: '/tmp/x\n  LocalCommand touch /tmp/pwned' }),
      'global-config',
    );
    invalidField(
      () => renderSshConfigBlock({ ...base, hangarCommand: ['/bin/hangar\u0000'] }),
      'hangar-binary-path',
    );
    invalidField(() => renderSshConfigBlock({ ...base, hostPrefix: '*' }), 'ssh-host-prefix');
    invalidField(() => renderSshConfigBlock({ ...base, hostPrefix: 'a b' }), 'ssh-host-prefix');
    invalidField(
      () => renderSshConfigBlock({ ...base, extraOptions: [['User', 'x\nHost *']] }),
      'ssh-option',
    );
  });

  it('parses -o options and refuses section keywords and malformed ones', () => {
    assert.deepEqual(parseSshOption('ForwardAgent=yes'), ['ForwardAgent', 'yes']);
    assert.deepEqual(parseSshOption('ServerAliveInterval 30'), ['ServerAliveInterval', '30']);
    assert.deepEqual(parseSshOption('Ciphers=aes128-ctr,aes256-ctr'), ['Ciphers', 'aes128-ctr,aes256-ctr']);
    for (const bad of [
      'Host=x',
      'match all',
      'Include=/etc/x',
      'NoValue',
      '=yes',
      'Bad-Key=1',
      'User=a\nHost *',
    ])
      invalidField(() => parseSshOption(bad), 'ssh-option');
  });

  /** A stand-in for hangar that records its arguments, in a directory named to break quoting. */
  async function recorder(): Promise<{ script: string; odd: string; args(): Promise<string[]> }> {
    const odd = path.join(dir, `it's a $(touch pwned) \`touch pwned\` 100%h dir`);
    await mkdir(odd, { recursive: true });
    const script = path.join(odd, 'record.mjs');
    const record = path.join(dir, 'args.json');
    await rm(record, { force: true });
    await writeFile(
      script,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(record)}, JSON.stringify(process.argv.slice(1)));\n`,
    );
    return { script, odd, args: async () => JSON.parse(await readFile(record, 'utf8')) as string[] };
  }

  /** Runs the real ssh, which starts the ProxyCommand (the recorder exits at once, so ssh fails). */
  const runSsh = (...args: string[]) =>
    spawnSync('ssh', ['-o', 'BatchMode=yes', ...args, 'true'], { cwd: dir, encoding: 'utf8' });

  it('OpenSSH reads it as written: paths with spaces, quotes, $ and % reach the ProxyCommand intact', async () => {
    const rec = await recorder();
    const configDir = path.join(rec.odd, 'config %r dir');
    const file = path.join(dir, 'ssh_config');
    await writeFile(
      file,
      `${renderSshConfigBlock({ ...base, hangarCommand: [process.execPath, rec.script], configDir }).join('\n')}\n`,
    );

    const cfg = sshG(file, 'hangar.dev');
    assert.equal(cfg.get('stricthostkeychecking'), 'false');
    assert.equal(cfg.get('userknownhostsfile'), '/dev/null');
    assert.equal(cfg.get('loglevel'), 'ERROR');
    assert.equal(cfg.get('connecttimeout'), '0', 'no timeout: an autostart may take minutes');
    assert.equal(sshG(file, 'elsewhere').get('proxycommand'), undefined, 'other hosts are untouched');

    runSsh('-F', file, 'hangar.dev');
    assert.deepEqual(await rec.args(), [rec.script, '--global-config', configDir, 'ssh', '--stdio', 'dev']);
    assert.equal(existsSync(path.join(dir, 'pwned')), false, 'nothing in the path ran as a command');
  });

  it('the `-o ProxyCommand=` that `hangar ssh` passes survives the same way', async () => {
    const rec = await recorder();
    const target = "o'wner/%n$(touch pwned)";
    runSsh(
      '-F',
      '/dev/null',
      '-o',
      `ProxyCommand=${proxyCommand([process.execPath, rec.script], undefined, target)}`,
      'x',
    );
    assert.deepEqual(await rec.args(), [rec.script, 'ssh', '--stdio', target]);
    assert.equal(existsSync(path.join(dir, 'pwned')), false);
  });
});
