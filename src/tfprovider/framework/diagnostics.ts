/**
 * Terraform diagnostics: everything the provider has to say about bad input goes back as one of
 * these, with the attribute path Terraform uses to point at the offending line.
 */
import type { PathStep } from '../cty/codec-error.js';

export type { PathStep } from '../cty/codec-error.js';

export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  path?: readonly PathStep[];
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  error(summary: string, detail?: string, path?: readonly PathStep[]): void {
    this.items.push({ severity: 'error', summary, detail, path });
  }

  warning(summary: string, detail?: string, path?: readonly PathStep[]): void {
    this.items.push({ severity: 'warning', summary, detail, path });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** The wire shape (tfplugin6.Diagnostic) as a plain object for protobufjs' fromObject. */
export interface ProtoDiagnostic {
  severity: number;
  summary: string;
  detail: string;
  attribute?: { steps: Record<string, string | number>[] };
}

export function toProtoDiagnostics(diags: Diagnostics | readonly Diagnostic[]): ProtoDiagnostic[] {
  const items = diags instanceof Diagnostics ? diags.items : diags;
  return items.map((d) => ({
    severity: d.severity === 'error' ? 1 : 2,
    summary: d.summary,
    detail: d.detail ?? '',
    ...(d.path?.length ? { attribute: toProtoPath(d.path) } : {}),
  }));
}

/** tfplugin6.AttributePath for a path. */
export function toProtoPath(path: readonly PathStep[]): { steps: Record<string, string | number>[] } {
  return { steps: path.map(toStep) };
}

function toStep(step: PathStep): Record<string, string | number> {
  if (typeof step === 'string') return { attribute_name: step };
  if (typeof step === 'number') return { element_key_int: step };
  return { element_key_string: step.key };
}
