/**
 * The root logger of every Hangar process (server, provisioner, agent): JSON lines when stderr is
 * not a terminal, short human lines when it is. Components receive named children.
 */
import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../sdk/logger.js';
import { redactedFields } from '../sdk/logger.js';

export interface LoggerOptions {
  level?: string;
  /** json | human | auto */
  format?: string;
  name?: string;
}

const levelNames: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** A compact human format for terminals: `12:00:01 INFO  coderd: message key=value`. */
function humanStream(): DestinationStream {
  return {
    write(line: string) {
      const rec = JSON.parse(line) as Record<string, unknown>;
      const { level, time, msg, component, pid: _pid, hostname: _h, name: _n, ...rest } = rec;
      const t = new Date(time as number).toTimeString().slice(0, 8);
      const fields = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const who = component ? `${String(component)}: ` : '';
      process.stderr.write(
        `${t} ${(levelNames[level as number] ?? String(level)).padEnd(5)} ${who}${String(msg ?? '')}${fields ? ' ' + fields : ''}\n`,
      );
    },
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format =
    options.format && options.format !== 'auto' ? options.format : process.stderr.isTTY ? 'human' : 'json';
  const redact = { paths: redactedFields.flatMap((f) => [f, `*.${f}`]), censor: '[redacted]' };
  const base = { level: options.level ?? 'info', redact, base: options.name ? { name: options.name } : {} };
  return format === 'human'
    ? pino(base, humanStream())
    : pino(base, pino.destination({ fd: 2, sync: false }));
}
