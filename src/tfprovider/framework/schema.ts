/**
 * A small schema language for provider, resource and data source configuration, close to what
 * Terraform's protocol can express: attributes with a cty type, and nested blocks.
 */
import type { PathStep } from '../cty/codec-error.js';
import type { CtyType } from '../cty/type.js';
import type { Value } from '../cty/value.js';
import type { Diagnostics } from './diagnostics.js';

/** Runs on a known, non-null config value; reports problems on `diags` at `path`. */
export type Validator = (value: Value, path: readonly PathStep[], diags: Diagnostics) => void;

export interface Attribute {
  type: CtyType;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
  description?: string;
  /** Planned (resources) or read (data sources) when the config leaves the attribute null. */
  default?: Value;
  /** A change replaces the resource. */
  forceNew?: boolean;
  validate?: readonly Validator[];
}

export interface NestedBlock {
  nesting: 'single' | 'list' | 'set';
  block: Block;
  minItems?: number;
  maxItems?: number;
  forceNew?: boolean;
}

export interface Block {
  attributes: Record<string, Attribute>;
  blocks?: Record<string, NestedBlock>;
  description?: string;
  deprecated?: boolean;
}

export interface Schema {
  /** Bumped when stored state needs an upgrade (UpgradeResourceState). */
  version: number;
  block: Block;
}

/** The object type a block's values have. */
export function impliedType(block: Block): CtyType {
  const attrs: Record<string, CtyType> = {};
  for (const [name, a] of Object.entries(block.attributes)) attrs[name] = a.type;
  for (const [name, nb] of Object.entries(block.blocks ?? {})) {
    const inner = impliedType(nb.block);
    attrs[name] = nb.nesting === 'single' ? inner : [nb.nesting, inner];
  }
  return ['object', attrs];
}
