/** Converts our schema language to tfplugin6.Schema (as a plain object for protobufjs). */
import type { Block, Schema } from './schema.js';

const nestingMode = { single: 1, list: 2, set: 3 } as const;

export function toProtoSchema(schema: Schema): object {
  return { version: schema.version, block: toProtoBlock(schema.block) };
}

function toProtoBlock(block: Block): object {
  // Sorted so `terraform providers schema -json` and the bundle are stable.
  const attributes = Object.keys(block.attributes)
    .sort()
    .map((name) => {
      const a = block.attributes[name]!;
      return {
        name,
        type: Buffer.from(JSON.stringify(a.type)),
        description: a.description ?? '',
        required: a.required ?? false,
        optional: a.optional ?? false,
        computed: a.computed ?? false,
        sensitive: a.sensitive ?? false,
        deprecated: a.deprecated ?? false,
      };
    });
  const blockTypes = Object.keys(block.blocks ?? {})
    .sort()
    .map((name) => {
      const nb = block.blocks![name]!;
      return {
        type_name: name,
        block: toProtoBlock(nb.block),
        nesting: nestingMode[nb.nesting],
        min_items: nb.minItems ?? 0,
        max_items: nb.maxItems ?? 0,
      };
    });
  return {
    attributes,
    block_types: blockTypes,
    description: block.description ?? '',
    deprecated: block.deprecated ?? false,
  };
}
