/** Finding the organization and template a command names (`-O/--org`, else the default one). */
import { NotFound } from '../../../sdk/errors.js';
import type { HangarClient } from '../../../sdk/hangar-client.js';
import type { Organization } from '../../../sdk/organizations.js';
import type { Template, TemplateVersion } from '../../../sdk/templates.js';
import { CliError, ExitCode } from '../../errors.js';

export async function resolveOrganization(client: HangarClient, flag?: string): Promise<Organization> {
  if (flag) return client.organization(flag);
  const orgs = await client.organizations();
  const chosen = orgs.find((o) => o.is_default) ?? (orgs.length === 1 ? orgs[0] : undefined);
  if (!chosen) {
    throw new CliError('You belong to several organizations; choose one with -O/--org.', {
      exitCode: ExitCode.usage,
      detail: `Organizations: ${orgs.map((o) => o.name).join(', ')}`,
    });
  }
  return chosen;
}

/** The template, or undefined when the organization has none by that name. */
export async function findTemplate(
  client: HangarClient,
  org: Organization,
  name: string,
): Promise<Template | undefined> {
  try {
    return await client.templates.getByName(org.id, name);
  } catch (err) {
    if (err instanceof NotFound) return undefined;
    throw err;
  }
}

export async function getTemplate(client: HangarClient, name: string, orgFlag?: string): Promise<Template> {
  const org = await resolveOrganization(client, orgFlag);
  const template = await findTemplate(client, org, name);
  if (!template) {
    throw new CliError(`Template "${name}" not found in organization "${org.name}".`, {
      exitCode: ExitCode.notFound,
      hint: 'Run `hangar templates list` to see the templates you can use.',
    });
  }
  return template;
}

/** A version by name, or the template's active version. */
export function getVersion(
  client: HangarClient,
  template: Template,
  name?: string,
): Promise<TemplateVersion> {
  return name
    ? client.templates.versionByName(template.id, name)
    : client.templates.version(template.active_version_id);
}
