/** Path parameters that must be UUIDs are checked before they reach SQL (where they would be a 400). */
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => uuidRe.test(s);
