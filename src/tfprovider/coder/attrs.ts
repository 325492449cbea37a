/**
 * Shorthands for the coder schemas. Every configurable attribute of Coder's resources forces
 * replacement, as in Coder's own provider: these objects live only in state, so "update" means a
 * new object with new ids.
 */
import type { CtyType } from '../cty/type.js';
import type { Attribute } from '../framework/schema.js';

type Extra = Partial<Omit<Attribute, 'type'>>;

export const required = (type: CtyType, description: string, extra: Extra = {}): Attribute => ({
  type,
  required: true,
  forceNew: true,
  description,
  ...extra,
});

export const optional = (type: CtyType, description: string, extra: Extra = {}): Attribute => ({
  type,
  optional: true,
  forceNew: true,
  description,
  ...extra,
});

export const computed = (type: CtyType, description: string, extra: Extra = {}): Attribute => ({
  type,
  computed: true,
  description,
  ...extra,
});
