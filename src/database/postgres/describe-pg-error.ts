import { InvalidInput } from '../../sdk/errors.js';

/** Where a connection was going, without credentials. */
export interface PgTarget {
  /** `host:port/database` as the user would recognise it. */
  where: string;
  user: string;
  database: string;
}

/** Parses a postgres:// URL into what error messages may show (never the password). */
export function describeTarget(url: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInput('The PostgreSQL URL is not a valid URL.', {
      detail: 'Expected postgres://user:password@host:port/database.',
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidInput('The PostgreSQL URL must start with postgres:// or postgresql://.');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  // A `host` parameter (a Unix socket's folder) overrides the URL's host, as in libpq.
  const host = parsed.searchParams.get('host') || parsed.hostname || 'localhost';
  return {
    where: `${host}:${parsed.port || '5432'}/${database}`,
    user: decodeURIComponent(parsed.username) || 'postgres',
    database,
  };
}

/**
 * Turns a connection failure (a Node socket error or a PostgreSQL SQLSTATE) into one sentence a user
 * can act on. It is built from codes, not from the server's text, so no secret can leak through it.
 */
export function describePgError(err: unknown, target: PgTarget): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing is listening at ${target.where.split('/')[0]} (connection refused)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host in ${target.where.split('/')[0]} cannot be resolved`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the host in ${target.where.split('/')[0]} is unreachable`;
    case 'ECONNRESET':
      return 'the server closed the connection';
    case '28P01':
      return `password authentication failed for user "${target.user}"`;
    case '28000':
      return `the server does not allow user "${target.user}" to connect (check pg_hba.conf and the user name)`;
    case '3D000':
      return `database "${target.database}" does not exist`;
    case '57P03':
      return 'the server is starting up or shutting down';
    case '53300':
      return 'the server has too many connections';
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/timeout/i.test(message)) return 'connecting timed out';
  // pg's own messages (no secrets in them) for anything else, e.g. SSL negotiation problems.
  return typeof code === 'string' ? `${message} (${code})` : message;
}
