/**
 * Provisioner tags (coder-behaviour.md §1.2). Every job and daemon carries the implicit tags
 * `scope` and `owner`; the server and the daemons normalize with the same function so an
 * "untagged" set compares equal on both sides.
 */
export type ProvisionerTags = Record<string, string>;

export function normalizeProvisionerTags(tags: ProvisionerTags = {}): ProvisionerTags {
  const out: ProvisionerTags = { ...tags };
  out.scope ??= 'organization';
  // An organization-scoped set never has an owner; a user-scoped one keeps the owner it names.
  if (out.scope === 'organization') out.owner = '';
  else out.owner ??= '';
  return out;
}

/** Coder's matching rule, the same as the SQL function provisioner_tagset_contains. */
export function provisionerTagsetContains(daemonTags: ProvisionerTags, jobTags: ProvisionerTags): boolean {
  const job = normalizeProvisionerTags(jobTags);
  const daemon = normalizeProvisionerTags(daemonTags);
  const untagged = (t: ProvisionerTags) =>
    Object.keys(t).length === 2 && t.scope === 'organization' && t.owner === '';
  if (untagged(job)) return untagged(daemon);
  return Object.entries(job).every(([k, v]) => daemon[k] === v);
}

/** Parses repeatable `key=value` flags. */
export function parseTagFlags(flags: string[]): ProvisionerTags {
  const out: ProvisionerTags = {};
  for (const f of flags) {
    const i = f.indexOf('=');
    if (i <= 0) throw new Error(`Invalid tag "${f}": expected key=value.`);
    out[f.slice(0, i)] = f.slice(i + 1);
  }
  return out;
}
