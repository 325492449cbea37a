/**
 * A small Markdown reader for template READMEs: headings, paragraphs, fenced and indented code,
 * lists, quotes, rules, tables, and inline code, emphasis, links and images. It produces a tree
 * that the page renders as React elements, so HTML in a README shows as text and never runs, and
 * links keep only http(s), mailto and relative targets.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong' | 'em' | 'del'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'image'; src: string; alt: string }
  | { type: 'br' };

export type Block =
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'hr' }
  | { type: 'table'; head: Inline[][]; rows: Inline[][][] };

/** The link target if it is safe to follow (http, https, mailto, or relative), else undefined. */
export function safeUrl(href: string): string | undefined {
  const h = href.trim();
  if (!h) return undefined;
  // Anything with a scheme must be one of ours; control characters can hide a scheme.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f]/.test(h)) return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(h)?.[1]?.toLowerCase();
  if (scheme === undefined) return h;
  return ['http', 'https', 'mailto'].includes(scheme) ? h : undefined;
}

const inlinePatterns: [RegExp, (m: RegExpExecArray) => Inline | undefined][] = [
  [/^`([^`]+)`/, (m) => ({ type: 'code', text: m[1]! })],
  [
    /^!\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/,
    (m) => {
      const src = safeUrl(m[2]!);
      return src ? { type: 'image', src, alt: m[1]! } : { type: 'text', text: m[1]! };
    },
  ],
  [
    /^\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/,
    (m) => {
      const href = safeUrl(m[2]!);
      const children = parseInline(m[1]!);
      return href ? { type: 'link', href, children } : { type: 'strong', children };
    },
  ],
  [
    /^<(https?:\/\/[^>\s]+)>/,
    (m) => ({ type: 'link', href: m[1]!, children: [{ type: 'text', text: m[1]! }] }),
  ],
  [/^(\*\*|__)(?=\S)([\s\S]*?\S)\1/, (m) => ({ type: 'strong', children: parseInline(m[2]!) })],
  [/^~~(?=\S)([\s\S]*?\S)~~/, (m) => ({ type: 'del', children: parseInline(m[1]!) })],
  [/^(\*|_)(?=\S)([\s\S]*?\S)\1(?![a-zA-Z0-9])/, (m) => ({ type: 'em', children: parseInline(m[2]!) })],
  [/^ {2,}\n|^\\\n/, () => ({ type: 'br' })],
  [/^\\([\\`*_{}[\]()#+\-.!<>~|])/, (m) => ({ type: 'text', text: m[1]! })],
];

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pushText = (t: string) => {
    const prev = out[out.length - 1];
    if (prev?.type === 'text') prev.text += t;
    else out.push({ type: 'text', text: t });
  };
  let rest = text;
  outer: while (rest) {
    for (const [re, make] of inlinePatterns) {
      const m = re.exec(rest);
      if (!m) continue;
      const node = make(m);
      if (node?.type === 'text') pushText(node.text);
      else if (node) out.push(node);
      rest = rest.slice(m[0].length);
      continue outer;
    }
    // Plain text up to the next character that may start a construct.
    const next = rest.slice(1).search(/[`![<*_~\\ ]/);
    const take = next === -1 ? rest.length : next + 1;
    pushText(rest.slice(0, take));
    rest = rest.slice(take);
  }
  return out;
}

const fence = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const heading = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const rule = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const bullet = /^( {0,3})([-*+]|\d{1,9}[.)])\s+(.*)$/;
const quote = /^ {0,3}>\s?(.*)$/;
const tableDivider = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function parseLines(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  const isBlank = (l: string | undefined) => l === undefined || l.trim() === '';
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i++;
      continue;
    }
    const f = fence.exec(line);
    if (f) {
      const close = new RegExp(`^ {0,3}${f[1]![0] === '`' ? '`' : '~'}{${f[1]!.length},}\\s*$`);
      const body: string[] = [];
      i++;
      while (i < lines.length && !close.test(lines[i]!)) body.push(lines[i++]!);
      i++;
      blocks.push({ type: 'code', lang: f[2] ?? '', text: body.join('\n') });
      continue;
    }
    const h = heading.exec(line);
    if (h) {
      blocks.push({ type: 'heading', level: h[1]!.length, children: parseInline(h[2]!) });
      i++;
      continue;
    }
    if (rule.test(line)) {
      blocks.push({ type: 'hr' });
      i++;
      continue;
    }
    if (/^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]!) || isBlank(lines[i]))) {
        body.push(lines[i++]!.replace(/^( {4}|\t)/, ''));
      }
      while (body.length && body[body.length - 1]!.trim() === '') body.pop();
      blocks.push({ type: 'code', lang: '', text: body.join('\n') });
      continue;
    }
    if (quote.test(line)) {
      const body: string[] = [];
      while (i < lines.length && quote.test(lines[i]!)) body.push(quote.exec(lines[i++]!)![1]!);
      blocks.push({ type: 'quote', children: parseLines(body) });
      continue;
    }
    const b = bullet.exec(line);
    if (b) {
      const ordered = /\d/.test(b[2]!);
      const items: string[][] = [];
      const indent = b[1]!.length;
      while (i < lines.length) {
        const l = lines[i]!;
        const m = bullet.exec(l);
        if (m && m[1]!.length <= indent && /\d/.test(m[2]!) === ordered) {
          items.push([m[3]!]);
          i++;
        } else if (
          !isBlank(l) &&
          (/^\s{2,}/.test(l) || !(bullet.test(l) || fence.test(l) || heading.test(l)))
        ) {
          // A continuation (indented, or a lazy paragraph line) of the current item.
          items[items.length - 1]!.push(l.replace(/^\s{2,4}/, ''));
          i++;
        } else if (isBlank(l) && /^\s{2,}\S/.test(lines[i + 1] ?? '')) {
          items[items.length - 1]!.push('');
          i++;
        } else break;
      }
      blocks.push({
        type: 'list',
        ordered,
        start: ordered ? parseInt(b[2]!, 10) : 1,
        items: items.map((it) => parseLines(it)),
      });
      continue;
    }
    if (line.includes('|') && tableDivider.test(lines[i + 1] ?? '')) {
      const head = splitRow(line).map(parseInline);
      const rows: Inline[][][] = [];
      i += 2;
      while (i < lines.length && !isBlank(lines[i]) && lines[i]!.includes('|')) {
        rows.push(splitRow(lines[i++]!).map(parseInline));
      }
      blocks.push({ type: 'table', head, rows });
      continue;
    }
    // A paragraph runs until a blank line or the start of another block.
    const para: string[] = [];
    while (
      i < lines.length &&
      !isBlank(lines[i]) &&
      !(
        para.length &&
        (fence.test(lines[i]!) ||
          heading.test(lines[i]!) ||
          quote.test(lines[i]!) ||
          bullet.test(lines[i]!) ||
          rule.test(lines[i]!))
      )
    ) {
      para.push(lines[i++]!);
    }
    blocks.push({ type: 'paragraph', children: parseInline(para.join('\n')) });
  }
  return blocks;
}

/** Parses a README; a leading YAML front matter block (Coder's template metadata) is skipped. */
export function parseMarkdown(source: string): Block[] {
  const text = source.replace(/\r\n?/g, '\n').replace(/^---\n[\s\S]*?\n---\n/, '');
  return parseLines(text.split('\n'));
}
