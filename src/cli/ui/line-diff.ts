/**
 * A unified diff of two texts, line by line (`diff -u` style hunks with 3 lines of context), for
 * showing a user what a command is about to change in one of their files. The common head and
 * tail are skipped first and the rest is an LCS, which is plenty for config files.
 */
type Op = { kind: ' ' | '-' | '+'; text: string };

const splitLines = (text: string) => (text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/));

function diffOps(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle: Op[] = [];
  if (x.length * y.length > 4_000_000) {
    // Too big to align cheaply: show it as replaced.
    middle.push(
      ...x.map((text) => ({ kind: '-' as const, text })),
      ...y.map((text) => ({ kind: '+' as const, text })),
    );
  } else {
    // lcs[i][j] = length of the longest common subsequence of x[i..] and y[j..].
    const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
    for (let i = x.length - 1; i >= 0; i--)
      for (let j = y.length - 1; j >= 0; j--)
        lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        middle.push({ kind: ' ', text: x[i]! });
        i++;
        j++;
      } else if (i < x.length && (j === y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
        middle.push({ kind: '-', text: x[i++]! });
      } else {
        middle.push({ kind: '+', text: y[j++]! });
      }
    }
  }
  return [
    ...a.slice(0, head).map((text) => ({ kind: ' ' as const, text })),
    ...middle,
    ...a.slice(a.length - tail).map((text) => ({ kind: ' ' as const, text })),
  ];
}

/** `--- old` / `+++ new` and the hunks; empty when the texts have the same lines. */
export function unifiedDiff(
  before: string,
  after: string,
  names: { old: string; new: string },
  context = 3,
): string {
  const ops = diffOps(splitLines(before), splitLines(after));
  const changed = ops.flatMap((op, i) => (op.kind === ' ' ? [] : [i]));
  if (changed.length === 0) return '';
  // Group changes whose context would touch into one hunk.
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const last = hunks[hunks.length - 1];
    if (last && i - last[1] <= 2 * context) last[1] = i;
    else hunks.push([i, i]);
  }
  const out = [`--- ${names.old}`, `+++ ${names.new}`];
  for (const [first, last] of hunks) {
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    // Line numbers: count the lines of each side before the hunk.
    let oldLine = 1;
    let newLine = 1;
    for (const op of ops.slice(0, from)) {
      if (op.kind !== '+') oldLine++;
      if (op.kind !== '-') newLine++;
    }
    const slice = ops.slice(from, to + 1);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    // As GNU diff: a count of 1 is left out, and an empty side names the line before it.
    const range = (line: number, count: number) =>
      count === 1 ? `${line}` : `${count ? line : line - 1},${count}`;
    out.push(
      `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`,
      ...slice.map((op) => `${op.kind}${op.text}`),
    );
  }
  return `${out.join('\n')}\n`;
}
