/**
 * What the provisioner reads from the template's files without running Terraform (Coder's
 * parse.go): `variable` blocks (via @cdktf/hcl2json, the HCL parser compiled to wasm), README.md,
 * and the position of each block so parameters keep the order the author wrote them in.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import type { TemplateVariable } from '../../sdk/provisioner.js';

export interface TemplateFile {
  name: string;
  text: string;
}

/** The root module's `*.tf` files in the order Terraform loads them (by name). */
export async function readTerraformFiles(dir: string): Promise<TemplateFile[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && (e.name.endsWith('.tf') || e.name.endsWith('.tf.json')))
    .map((e) => e.name)
    .sort();
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
}

export async function readReadme(dir: string): Promise<string> {
  return readFile(join(dir, 'README.md'), 'utf8').catch(() => '');
}

/** `${string}` → `string`: hcl2json wraps expressions in interpolation markers. */
function typeExpression(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const m = /^\$\{([\s\S]*)\}$/.exec(raw);
  return (m ? m[1]! : raw).trim();
}

/** Coder renders a non-string default as JSON (parse.go `convertTerraformVariable`). */
function renderDefault(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface VariableBlock {
  type?: unknown;
  default?: unknown;
  description?: unknown;
  sensitive?: unknown;
}

/** Offset of `<keyword> "<label>"…` in the file, for file order. */
function position(text: string, pattern: string): number {
  const i = text.search(new RegExp(pattern));
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function parseVariables(files: TemplateFile[]): Promise<TemplateVariable[]> {
  const out: { variable: TemplateVariable; order: [number, number] }[] = [];
  for (const [fileIndex, file] of files.entries()) {
    if (!file.name.endsWith('.tf')) continue;
    const parsed = (await parse(file.name, file.text)) as { variable?: Record<string, VariableBlock[]> };
    for (const [name, blocks] of Object.entries(parsed.variable ?? {})) {
      const block = blocks[0] ?? {};
      const hasDefault = 'default' in block && block.default !== null;
      out.push({
        variable: {
          name,
          description: typeof block.description === 'string' ? block.description : '',
          type: typeExpression(block.type),
          default_value: hasDefault ? renderDefault(block.default) : '',
          required: !hasDefault,
          sensitive: block.sensitive === true,
        },
        order: [fileIndex, position(file.text, `variable\\s+"${escapeRe(name)}"`)],
      });
    }
  }
  return out.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]).map((o) => o.variable);
}

/** Block labels of `data "coder_parameter"` in file order (Coder orders parameters this way). */
export function parameterBlockOrder(files: TemplateFile[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    for (const m of file.text.matchAll(/data\s+"coder_parameter"\s+"([^"]+)"/g)) out.push(m[1]!);
  }
  return out;
}
