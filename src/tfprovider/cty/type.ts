/**
 * cty types in their JSON form, which is also how Terraform writes them in schemas and how a
 * dynamic value carries its type on the wire: "string", ["list","string"], ["object",{...}], ...
 */
export type PrimitiveType = 'string' | 'number' | 'bool' | 'dynamic';
export type CtyType =
  | PrimitiveType
  | readonly ['list', CtyType]
  | readonly ['set', CtyType]
  | readonly ['map', CtyType]
  | readonly ['tuple', readonly CtyType[]]
  | readonly ['object', Readonly<Record<string, CtyType>>];

export const listOf = (t: CtyType): CtyType => ['list', t];
export const setOf = (t: CtyType): CtyType => ['set', t];
export const mapOf = (t: CtyType): CtyType => ['map', t];
export const objectOf = (attrs: Record<string, CtyType>): CtyType => ['object', attrs];

/** Parses a type from its JSON form, rejecting anything cty does not define. */
export function parseType(json: unknown): CtyType {
  if (json === 'string' || json === 'number' || json === 'bool' || json === 'dynamic') return json;
  if (Array.isArray(json) && json.length >= 2) {
    const [kind, arg] = json as [unknown, unknown];
    if (kind === 'list' || kind === 'set' || kind === 'map') return [kind, parseType(arg)];
    if (kind === 'tuple' && Array.isArray(arg)) return ['tuple', arg.map(parseType)];
    // A third element lists optional attributes (type constraints only); values ignore it.
    if (kind === 'object' && arg !== null && typeof arg === 'object' && !Array.isArray(arg)) {
      const attrs: Record<string, CtyType> = {};
      for (const [k, v] of Object.entries(arg)) attrs[k] = parseType(v);
      return ['object', attrs];
    }
  }
  throw new TypeError(`not a cty type: ${JSON.stringify(json)}`);
}

/** A short human name for messages, e.g. "list of string". */
export function typeName(t: CtyType): string {
  if (typeof t === 'string') return t;
  switch (t[0]) {
    case 'list':
    case 'set':
    case 'map':
      return `${t[0]} of ${typeName(t[1])}`;
    case 'tuple':
      return 'tuple';
    case 'object':
      return 'object';
  }
}
