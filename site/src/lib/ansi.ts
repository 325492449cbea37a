/**
 * Splits text with ANSI escape sequences into styled segments (SGR colours, bold, italic,
 * underline). Everything else (cursor movement, OSC titles, stray escapes) is dropped. The result
 * is rendered as text nodes, so log output can never become markup.
 */

export interface AnsiStyle {
  /** A palette index 0–15 (rendered with the theme's classes) or a CSS colour for 256/true colour. */
  fg?: number | string;
  bg?: number | string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

// CSI (ESC [ params final), OSC (ESC ] … BEL or ESC \), and two-byte escapes.
// eslint-disable-next-line no-control-regex
const escape = /\x1b\[([0-9;?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?/g;

/** xterm's 256-colour palette beyond the first 16: a 6×6×6 cube, then 24 greys. */
export function palette256(n: number): string {
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g}, ${g}, ${g})`;
}

/** Reads an extended colour (`5;n` or `2;r;g;b`) from `codes` at `i`; returns it and the next index. */
function extendedColour(codes: number[], i: number): [number | string | undefined, number] {
  if (codes[i] === 5 && codes[i + 1] !== undefined) {
    const n = codes[i + 1]!;
    return [n < 16 ? n : n < 256 ? palette256(n) : undefined, i + 2];
  }
  if (codes[i] === 2 && codes[i + 3] !== undefined) {
    const [r, g, b] = codes.slice(i + 1, i + 4).map((v) => Math.min(255, v));
    return [`rgb(${r}, ${g}, ${b})`, i + 4];
  }
  return [undefined, codes.length];
}

function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)));
  let s = { ...style };
  for (let i = 0; i < codes.length;) {
    const c = codes[i++]!;
    if (c === 0) s = {};
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = c - 30;
    else if (c >= 90 && c <= 97) s.fg = c - 90 + 8;
    else if (c === 39) delete s.fg;
    else if (c >= 40 && c <= 47) s.bg = c - 40;
    else if (c >= 100 && c <= 107) s.bg = c - 100 + 8;
    else if (c === 49) delete s.bg;
    else if (c === 38 || c === 48) {
      const [colour, next] = extendedColour(codes, i);
      i = next;
      if (colour !== undefined) s[c === 38 ? 'fg' : 'bg'] = colour;
    }
  }
  for (const k of ['bold', 'dim', 'italic', 'underline'] as const) if (!s[k]) delete s[k];
  return s;
}

/**
 * Parses one chunk of output. `initial` carries the style across lines, since programs often
 * set a colour on one line and reset it on a later one; the returned `style` is the style at the end.
 */
export function parseAnsi(
  text: string,
  initial: AnsiStyle = {},
): { segments: AnsiSegment[]; style: AnsiStyle } {
  const segments: AnsiSegment[] = [];
  let style = initial;
  let last = 0;
  const push = (t: string) => {
    if (!t) return;
    const prev = segments[segments.length - 1];
    if (prev && prev.style === style) prev.text += t;
    else segments.push({ text: t, style });
  };
  for (const m of text.matchAll(escape)) {
    push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
  }
  push(text.slice(last));
  return { segments, style };
}

/** The text without any escape sequences (for copying and searching). */
export function stripAnsi(text: string): string {
  return text.replace(escape, '');
}
