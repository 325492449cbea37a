/**
 * POSIX shell quoting: the one way a value from a user or a server enters a shell script or an
 * SSH config. Single quotes keep everything literal; an embedded `'` becomes `'\''`.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('A shell argument cannot contain a NUL byte.');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
