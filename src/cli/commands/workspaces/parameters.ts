/**
 * Rich parameter values for create, start and update: from --parameter and
 * --rich-parameter-file, checked here so mistakes show before a build starts (the server checks
 * again), prompted for on a terminal, and listed all at once when stdin is not a terminal.
 */
import { parameterValueProblem } from '../../../sdk/parameter-validation.js';
import type { TemplateVersionParameter } from '../../../sdk/templates.js';
import type { WorkspaceBuildParameter } from '../../../sdk/workspaces.js';
import { CliError, ExitCode } from '../../errors.js';
import { readValuesFile } from '../../key-values.js';
import { canPrompt, promptSelect, promptText } from '../../ui/prompt.js';

export interface ParameterFlags {
  parameter?: Record<string, string>;
  richParameterFile?: string;
}

/** Values given on the command line; the flag wins over the file. */
export async function givenParameters(flags: ParameterFlags): Promise<Record<string, string>> {
  const fromFile = flags.richParameterFile ? await readValuesFile(flags.richParameterFile) : {};
  return { ...fromFile, ...flags.parameter };
}

/** The problem with `value` for `p`, or undefined: the same rules the server applies. */
export const parameterProblem = parameterValueProblem;

function describe(p: TemplateVersionParameter): string {
  const label = p.display_name && p.display_name !== p.name ? `${p.name} (${p.display_name})` : p.name;
  const options = p.options.length ? `; one of ${p.options.map((o) => o.value).join(', ')}` : '';
  return `${label}: ${p.type}${options}${p.description ? ` - ${p.description}` : ''}`;
}

async function ask(p: TemplateVersionParameter, fallback: string | undefined): Promise<string> {
  const message = `${p.display_name || p.name}${p.description ? ` (${p.description})` : ''}:`;
  if (p.options.length > 0 || p.type === 'bool') {
    const choices = p.options.length
      ? p.options.map((o) => ({ name: o.name || o.value, value: o.value, description: o.description }))
      : [
          { name: 'true', value: 'true' },
          { name: 'false', value: 'false' },
        ];
    return promptSelect(message, choices, fallback);
  }
  return promptText(message, { default: fallback, validate: (v) => parameterProblem(p, v) });
}

export interface ResolveOptions {
  /** Values the workspace already has; they carry forward unless given again. */
  previous?: WorkspaceBuildParameter[];
  /** On a terminal, also ask for optional parameters (offering the default), as create does. */
  askOptional?: boolean;
  /** The command to repeat with the missing flags, for the error message. */
  command: string;
}

/** The values to send: given ones (checked), prompted ones, and an error naming any missing. */
export async function resolveParameters(
  params: TemplateVersionParameter[],
  given: Record<string, string>,
  opts: ResolveOptions,
): Promise<WorkspaceBuildParameter[]> {
  const known = new Set(params.map((p) => p.name));
  const unknown = Object.keys(given).filter((n) => !known.has(n));
  if (unknown.length) {
    throw new CliError(`The template has no parameter ${unknown.map((n) => `"${n}"`).join(', ')}.`, {
      exitCode: ExitCode.usage,
      detail: params.length ? `Parameters: ${params.map((p) => p.name).join(', ')}` : 'It has no parameters.',
    });
  }
  const invalid = params.flatMap((p) => {
    const v = given[p.name];
    const problem = v === undefined ? undefined : parameterProblem(p, v);
    return problem ? [`${p.name}: ${problem}`] : [];
  });
  if (invalid.length) {
    throw new CliError('Invalid parameter values.', {
      exitCode: ExitCode.usage,
      detail: invalid.join('\n  '),
    });
  }
  const previous = new Map((opts.previous ?? []).map((b) => [b.name, b.value]));
  const ordered = [...params].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  const values: WorkspaceBuildParameter[] = [];
  const missing: TemplateVersionParameter[] = [];
  const interactive = canPrompt();
  for (const p of ordered) {
    const value = given[p.name];
    if (value !== undefined) {
      values.push({ name: p.name, value });
      continue;
    }
    if (previous.has(p.name) || p.ephemeral) continue;
    if (p.required) {
      if (interactive) values.push({ name: p.name, value: await ask(p, undefined) });
      else missing.push(p);
    } else if (interactive && opts.askOptional) {
      values.push({ name: p.name, value: await ask(p, p.default_value) });
    }
  }
  if (missing.length) {
    const flags = missing.map((p) => `--parameter ${p.name}=…`).join(' ');
    throw new CliError(
      `Missing value${missing.length === 1 ? '' : 's'} for required parameter${missing.length === 1 ? '' : 's'}: ${missing.map((p) => p.name).join(', ')}.`,
      {
        exitCode: ExitCode.usage,
        detail: missing.map(describe).join('\n  '),
        hint: `stdin is not a terminal, so they cannot be prompted for. Run: ${opts.command} ${flags}`,
      },
    );
  }
  return values;
}
