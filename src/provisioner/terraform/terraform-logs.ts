/**
 * Terraform's machine-readable UI (`-json`) lines → job log lines (coder-behaviour.md §4.4): the
 * message at its level, diagnostics rendered as readable extra lines at their severity, non-JSON
 * lines as info, trace dropped. Init output is noise for users, so its info becomes debug.
 */
import type { LogLevel } from '../../sdk/provisioner-jobs.js';

export interface LogLine {
  level: LogLevel;
  output: string;
}

export interface Diagnostic {
  severity?: string;
  summary?: string;
  detail?: string;
  address?: string;
  range?: { filename?: string; start?: { line?: number } };
  snippet?: { context?: string | null; code?: string; start_line?: number };
}

interface UiLine {
  '@level'?: string;
  '@message'?: string;
  type?: string;
  diagnostic?: Diagnostic;
}

export function terraformLevel(level: string | undefined): LogLevel | undefined {
  switch ((level ?? '').toLowerCase()) {
    case 'trace':
      return 'trace';
    case 'debug':
      return 'debug';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'error':
      return 'error';
    default:
      return 'info';
  }
}

/** A diagnostic as Terraform's human output shows it: summary, where, the code, the detail. */
export function formatDiagnostic(d: Diagnostic): string[] {
  const lines = [`${d.severity === 'warning' ? 'Warning' : 'Error'}: ${d.summary ?? ''}`.trimEnd()];
  if (d.range?.filename) {
    const where = `on ${d.range.filename} line ${d.range.start?.line ?? '?'}`;
    lines.push('', d.snippet?.context ? `${where}, in ${d.snippet.context}:` : `${where}:`);
    if (d.snippet?.code !== undefined) {
      const first = d.snippet.start_line ?? d.range.start?.line ?? 0;
      d.snippet.code
        .split('\n')
        .forEach((code, i) => lines.push(`${String(first + i).padStart(4)}: ${code}`));
    }
  }
  if (d.address) lines.push('', `with ${d.address}`);
  if (d.detail) lines.push('', ...d.detail.split('\n'));
  return lines;
}

export function convertLogLine(line: string, opts: { infoAsDebug?: boolean } = {}): LogLine[] {
  if (line.trim() === '') return [];
  let ui: UiLine;
  try {
    ui = JSON.parse(line) as UiLine;
    if (typeof ui !== 'object' || ui === null || typeof ui['@message'] !== 'string')
      throw new Error('not UI JSON');
  } catch {
    return [{ level: 'info', output: line }];
  }
  const out: LogLine[] = [];
  const level = terraformLevel(ui['@level']);
  const mapped = opts.infoAsDebug && level === 'info' ? 'debug' : level;
  if (mapped && mapped !== 'trace') out.push({ level: mapped, output: ui['@message']! });
  if (ui.diagnostic) {
    const diagLevel = terraformLevel(ui.diagnostic.severity) ?? 'error';
    // The summary is already the line's message; repeat only what it does not say.
    for (const text of formatDiagnostic(ui.diagnostic).slice(1)) out.push({ level: diagLevel, output: text });
  }
  return out;
}
