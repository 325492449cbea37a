/**
 * The `Host hangar.<workspace>` entries `hangar config-ssh` writes, and the one way a value gets
 * into them. ssh_config is line-based and takes ProxyCommand's whole line verbatim, expands
 * `%`-tokens in it, then hands it to `sh -c`; so every value is checked for line breaks and
 * control characters, host names are limited to letters, digits, `-`, `_` and `.`, and every
 * ProxyCommand word is shell-quoted with `%` doubled. Nothing a server returns (workspace and
 * agent names) or the environment holds (paths) can add a directive or run a command.
 */
import { InvalidInput } from '../../../sdk/errors.js';
import { shellQuote } from '../../../sdk/shell-quote.js';
import { sshCiphers } from '../../../sdk/ssh-ciphers.js';

export const sectionStart = '# ------------START-HANGAR-----------';
export const sectionEnd = '# ------------END-HANGAR------------';

/** What Coder writes for each host: the agent's host key changes per workspace, so no known_hosts. */
export const defaultHostOptions: readonly (readonly [string, string])[] = [
  ['ConnectTimeout', '0'],
  ['StrictHostKeyChecking', 'no'],
  ['UserKnownHostsFile', '/dev/null'],
  ['LogLevel', 'ERROR'],
  // The agent's order, so OpenSSH takes AES-GCM rather than its own first AES choice (CTR + HMAC).
  ['Ciphers', sshCiphers.join(',')],
];

/** OpenSSH command-line options for one connection: the host options config-ssh writes, and the ProxyCommand. */
export function openSshOptions(proxy: string): string[] {
  return ['-o', `ProxyCommand=${proxy}`, ...defaultHostOptions.flatMap(([k, v]) => ['-o', `${k}=${v}`])];
}

export interface SshHost {
  /** The alias after the prefix: `dev`, or `dev.main` for one agent of several. */
  alias: string;
  /** What `hangar ssh --stdio` is given: `dev` or `dev.main`. */
  target: string;
}

export interface SshConfigBlockInput {
  hosts: SshHost[];
  /** `hangar.` by default. */
  hostPrefix: string;
  /** The command that runs hangar, as separate words (e.g. node and the script), absolute paths. */
  hangarCommand: string[];
  /** The CLI config directory the ProxyCommand reads the session from. */
  configDir: string;
  /** `-o/--ssh-option` values, as `[keyword, value]`. */
  extraOptions?: [string, string][];
}

// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u001f\u007f]/;
const hostPart = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const prefixPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const keywordPattern = /^[A-Za-z][A-Za-z0-9]*$/;

function invalid(field: string, detail: string): InvalidInput {
  return InvalidInput.field(field, detail);
}

/** Refuses line breaks and other control characters, which would end the line early in ssh_config. */
export function checkConfigValue(field: string, value: string): string {
  if (controlChars.test(value))
    throw invalid(field, `${JSON.stringify(value)} contains a line break or control character.`);
  return value;
}

/** A workspace or agent name as it appears in a Host alias. */
export function checkHostPart(field: string, name: string): string {
  if (!hostPart.test(name))
    throw invalid(
      field,
      `${JSON.stringify(name)} cannot be used in an SSH host name (letters, digits, "-" and "_" only).`,
    );
  return name;
}

export function checkHostPrefix(prefix: string): string {
  if (!prefixPattern.test(prefix))
    throw invalid(
      'ssh-host-prefix',
      `${JSON.stringify(prefix)} must start with a letter or digit and hold only letters, digits, ".", "-" and "_".`,
    );
  return prefix;
}

/** `Keyword=value` or `Keyword value` from `-o/--ssh-option`. */
export function parseSshOption(text: string): [string, string] {
  checkConfigValue('ssh-option', text);
  const m = /^\s*([^\s=]+)\s*(?:=|\s)\s*(.*?)\s*$/.exec(text);
  if (!m || !keywordPattern.test(m[1]!) || m[2] === '')
    throw invalid('ssh-option', `${JSON.stringify(text)} is not "Keyword=value" (e.g. ForwardAgent=yes).`);
  // These start or pull in other sections, which would take the following entries with them.
  if (/^(host|match|include)$/i.test(m[1]!)) throw invalid('ssh-option', `${m[1]} cannot be set per host.`);
  return [m[1]!, m[2]!];
}

/** One word of a ProxyCommand: shell-quoted for `sh -c`, with `%` doubled for ssh's token expansion. */
export function proxyCommandWord(field: string, word: string): string {
  return shellQuote(checkConfigValue(field, word)).replace(/%/g, '%%');
}

/**
 * `<hangar> --global-config <dir> ssh --stdio [flags] <target>`, ready for a ProxyCommand line or
 * `-o ProxyCommand=`.
 */
export function proxyCommand(
  hangarCommand: string[],
  configDir: string | undefined,
  target: string,
  sshFlags: string[] = [],
): string {
  if (hangarCommand.length === 0) throw invalid('hangar-binary-path', 'The hangar command is empty.');
  return [
    ...hangarCommand.map((w) => proxyCommandWord('hangar-binary-path', w)),
    ...(configDir === undefined ? [] : ['--global-config', proxyCommandWord('global-config', configDir)]),
    'ssh',
    '--stdio',
    ...sshFlags.map((f) => proxyCommandWord('ssh', f)),
    proxyCommandWord('workspace', target),
  ].join(' ');
}

/** The whole managed section, markers included, one string per line. */
export function renderSshConfigBlock(input: SshConfigBlockInput): string[] {
  const prefix = checkHostPrefix(input.hostPrefix);
  const options = [...defaultHostOptions, ...(input.extraOptions ?? [])].map(
    ([k, v]) => `  ${k} ${checkConfigValue('ssh-option', v)}`,
  );
  const lines = [
    sectionStart,
    '# This section is managed by `hangar config-ssh`. Do not edit it: every run rewrites it.',
    '# To remove it, delete everything from the START-HANGAR line to the END-HANGAR line.',
  ];
  for (const host of input.hosts) {
    for (const part of host.alias.split('.')) checkHostPart('workspace', part);
    lines.push(
      '',
      `Host ${prefix}${host.alias}`,
      ...options,
      `  ProxyCommand ${proxyCommand(input.hangarCommand, input.configDir, host.target)}`,
    );
  }
  lines.push('', sectionEnd);
  return lines;
}
