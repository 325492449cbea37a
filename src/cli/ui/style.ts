/**
 * Colour and motion for people at a terminal: on only when stderr is a TTY and NO_COLOR is unset,
 * so pipes, files and tests always get plain text.
 */
export function isInteractive(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

const paint = (open: number, close: number) => (text: string, on: boolean) =>
  on ? `\x1b[${open}m${text}\x1b[${close}m` : text;

export const style = {
  bold: paint(1, 22),
  dim: paint(2, 22),
  red: paint(31, 39),
  green: paint(32, 39),
  yellow: paint(33, 39),
  cyan: paint(36, 39),
};
