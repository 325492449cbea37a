/**
 * A Logger for the provider process. go-plugin copies a plugin's stderr into Terraform's log and
 * takes the level from a "[DEBUG]"-style prefix, so that is the format. Debug lines are written
 * only when Terraform logging is on, to keep every one of the 3–5 provider starts per command cheap.
 */
import type { Logger } from '../../sdk/logger.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

export function stderrLogger(env: NodeJS.ProcessEnv, bindings: Record<string, unknown> = {}): Logger {
  const debug = Boolean(env.TF_LOG || env.TF_LOG_PROVIDER);
  const write = (level: Level) =>
    ((objOrMsg: object | string, msg?: string) => {
      if (level === 'debug' && !debug) return;
      const fields = typeof objOrMsg === 'string' ? {} : { ...objOrMsg };
      const text = typeof objOrMsg === 'string' ? objOrMsg : (msg ?? '');
      const kv = Object.entries({ ...bindings, ...fields })
        .map(([k, v]) => `${k}=${v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`)
        .join(' ');
      process.stderr.write(`[${level.toUpperCase()}] ${text}${kv ? ': ' + kv : ''}\n`);
    }) as Logger['debug'];
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => stderrLogger(env, { ...bindings, ...more }),
  };
}
