/**
 * `name=value` flags (`--var`, `--parameter`, `--provisioner-tag`) and the files that hold many
 * (`--variables-file`, `--rich-parameter-file`): JSON objects, or YAML limited to one
 * `name: value` per line, which is all these files need.
 */
import { readFile } from 'node:fs/promises';
import { CliError, ExitCode } from './errors.js';

/** Commander collector for a repeatable `name=value` flag. */
export function collectKeyValue(flag: string) {
  return (text: string, previous: Record<string, string> | undefined): Record<string, string> => {
    const eq = text.indexOf('=');
    if (eq <= 0) {
      throw new CliError(`${flag} expects name=value, got "${text}".`, { exitCode: ExitCode.usage });
    }
    return { ...previous, [text.slice(0, eq).trim()]: text.slice(eq + 1) };
  };
}

function unquoteYaml(raw: string): string {
  const v = raw.trim();
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) return JSON.parse(v) as string;
  if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) return v.slice(1, -1).replace(/''/g, "'");
  // A plain scalar ends at a comment.
  return v.replace(/\s+#.*$/, '');
}

/** Parses a values file; every value becomes a string as the API expects. */
export function parseValuesText(text: string, file: string): Record<string, string> {
  const bad = (why: string) =>
    new CliError(`Cannot read ${file}: ${why}`, {
      exitCode: ExitCode.usage,
      hint: 'Use a JSON object or YAML lines of the form `name: value`.',
    });
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw bad((err as Error).message);
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return out;
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^\s*(#.*)?$/.test(line) || line.trim() === '---') return;
    const m = /^([A-Za-z0-9_.-]+|"[^"]+"|'[^']+')\s*:(?:\s+(.*)|\s*)$/.exec(line);
    if (!m) throw bad(`line ${i + 1} is not \`name: value\`.`);
    out[unquoteYaml(m[1]!)] = unquoteYaml(m[2] ?? '');
  });
  return out;
}

export async function readValuesFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${file}.`, { exitCode: ExitCode.usage, cause: err });
  }
  return parseValuesText(text, file);
}
