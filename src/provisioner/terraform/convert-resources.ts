/**
 * Plan/state resources → Hangar's provisioned resources (coder-behaviour.md §4.5, Coder's
 * provisioner/terraform/resources.go `ConvertState`): agents with their apps, scripts, env and
 * metadata, attached to the closest resource that depends on them in the dependency graph;
 * `coder_metadata` applied to the closest resource it depends on. Errors are ProvisionFailures
 * with Coder's messages, since they are the template author's to fix.
 */
import {
  ProvisionFailure,
  type ProvisionedAgent,
  type ProvisionedApp,
  type ProvisionedResource,
  type ProvisionedResourceMetadata,
  type ProvisionedScript,
} from '../../sdk/provisioner.js';
import { closestLabel, hasEdge, nodeByLabel, type DependencyGraph } from './dependency-graph.js';
import { labelOf, type TfResource } from './terraform-state.js';
import { bool, list, num, str, strMap } from './attribute-values.js';

export const agentNameRegex = /^[a-z0-9](-?[a-z0-9])*$/i;
export const appSlugRegex = /^[a-z0-9](-?[a-z0-9])*$/;

/** Coder's helper resources: attached to others, never listed as resources themselves. */
const helperTypes = new Set([
  'coder_agent',
  'coder_agent_instance',
  'coder_app',
  'coder_script',
  'coder_metadata',
  'coder_env',
  'coder_devcontainer',
]);

/** Resources whose own attributes carry an instance id for instance-identity agents. */
const automaticInstanceId: Record<string, string> = {
  google_compute_instance: 'instance_id',
  aws_instance: 'id',
  aws_spot_instance_request: 'spot_instance_id',
  azurerm_linux_virtual_machine: 'virtual_machine_id',
  azurerm_windows_virtual_machine: 'virtual_machine_id',
};
const instanceTypeAttribute: Record<string, string> = {
  google_compute_instance: 'machine_type',
  aws_instance: 'instance_type',
  aws_spot_instance_request: 'instance_type',
  azurerm_linux_virtual_machine: 'size',
  azurerm_windows_virtual_machine: 'size',
};

const defaultDisplayApps = {
  vscode: true,
  vscode_insiders: false,
  web_terminal: true,
  ssh_helper: true,
  port_forwarding_helper: true,
};

interface AgentEntry {
  agent: ProvisionedAgent;
  /** Resource name of the `coder_agent`, for plan-time graph matching. */
  label: string;
  instanceAuth: boolean;
  /** Env from `coder_env`; the agent's own `env` wins on conflicts. */
  extraEnv: Record<string, string>;
}

/** The agent's legacy `startup_script` / `shutdown_script` as the scripts Coder makes of them. */
function legacyScript(
  script: string,
  kind: 'Startup' | 'Shutdown',
  blocksLogin: boolean,
): ProvisionedScript[] {
  if (!script) return [];
  const start = kind === 'Startup';
  return [
    {
      display_name: `${kind} Script`,
      icon: start ? '/emojis/25b6-fe0f.png' : '/emojis/25c0.png',
      script,
      cron: '',
      log_path: `coder-${kind.toLowerCase()}-script.log`,
      start_blocks_login: blocksLogin,
      run_on_start: start,
      run_on_stop: !start,
      timeout_seconds: 0,
    },
  ];
}

function convertAgent(r: TfResource): AgentEntry {
  const v = r.values;
  const scripts = [
    ...legacyScript(str(v.startup_script), 'Startup', str(v.startup_script_behavior) === 'blocking'),
    ...legacyScript(str(v.shutdown_script), 'Shutdown', false),
  ];
  const display = list(v.display_apps)[0];
  const instanceAuth = (str(v.auth) || 'token') !== 'token';
  const agent: ProvisionedAgent = {
    name: r.name,
    operating_system: str(v.os),
    architecture: str(v.arch),
    directory: str(v.dir),
    env: strMap(v.env),
    connection_timeout_seconds: num(v.connection_timeout) ?? 120,
    troubleshooting_url: str(v.troubleshooting_url),
    motd_file: str(v.motd_file),
    apps: [],
    scripts,
    metadata: list(v.metadata).map((m) => ({
      key: str(m.key),
      display_name: str(m.display_name),
      script: str(m.script),
      interval: num(m.interval) ?? 0,
      timeout: num(m.timeout) ?? 0,
      order: num(m.order) ?? 0,
    })),
    display_apps: display
      ? {
          vscode: bool(display.vscode, true),
          vscode_insiders: bool(display.vscode_insiders, false),
          web_terminal: bool(display.web_terminal, true),
          ssh_helper: bool(display.ssh_helper, true),
          port_forwarding_helper: bool(display.port_forwarding_helper, true),
        }
      : { ...defaultDisplayApps },
    order: num(v.order) ?? 0,
  };
  const id = str(v.id);
  if (id) agent.id = id;
  if (instanceAuth) agent.instance_id = '';
  else if (str(v.token)) agent.auth_token = str(v.token);
  return { agent, label: labelOf(r.address), instanceAuth, extraEnv: {} };
}

function checkAgentName(name: string, seen: Set<string>): void {
  if (name === '') throw new ProvisionFailure('agent name cannot be empty');
  if (!agentNameRegex.test(name)) {
    const regex = '(?i)^[a-z0-9](-?[a-z0-9])*$';
    throw new ProvisionFailure(
      name.includes('_')
        ? `agent name "${name}" contains underscores which are no longer supported, please use hyphens instead (regex: "${regex}")`
        : `agent name "${name}" does not match regex "${regex}"`,
    );
  }
  if (seen.has(name.toLowerCase())) throw new ProvisionFailure(`duplicate agent name: ${name}`);
  seen.add(name.toLowerCase());
}

function convertApp(r: TfResource): ProvisionedApp {
  const v = r.values;
  const slug = str(v.slug) || r.name;
  const health = list(v.healthcheck)[0];
  const share = str(v.share).toLowerCase();
  const app: ProvisionedApp = {
    slug,
    display_name: str(v.display_name) || str(v.name) || slug,
    icon: str(v.icon),
    subdomain: bool(v.subdomain, false),
    sharing_level: share === 'authenticated' || share === 'public' ? share : 'owner',
    external: bool(v.external, false),
    order: num(v.order) ?? 0,
    hidden: bool(v.hidden, false),
    open_in: str(v.open_in) === 'tab' ? 'tab' : 'slim-window',
  };
  if (str(v.command)) app.command = str(v.command);
  if (str(v.url)) app.url = str(v.url);
  if (str(v.group)) app.group = str(v.group);
  if (health)
    app.healthcheck = {
      url: str(health.url),
      interval: num(health.interval) ?? 0,
      threshold: num(health.threshold) ?? 0,
    };
  return app;
}

export interface ConvertOptions {
  resources: TfResource[];
  graph: DependencyGraph;
}

export function convertResources({ resources, graph }: ConvertOptions): ProvisionedResource[] {
  const sorted = [...resources].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const byLabel = new Map<string, TfResource[]>();
  for (const r of sorted) {
    const label = labelOf(r.address);
    byLabel.set(label, [...(byLabel.get(label) ?? []), r]);
  }
  const attachable = (label: string) =>
    (byLabel.get(label) ?? []).some((r) => r.mode === 'managed' && !r.type.startsWith('coder_'));
  const ofType = (type: string) => sorted.filter((r) => r.mode === 'managed' && r.type === type);

  // Agents, each attached to the closest resource that depends on it (none: dropped).
  const agentNames = new Set<string>();
  const resourceAgents = new Map<string, AgentEntry[]>();
  const allAgents: AgentEntry[] = [];
  for (const r of ofType('coder_agent')) {
    checkAgentName(r.name, agentNames);
    const entry = convertAgent(r);
    const node = nodeByLabel(graph, entry.label);
    if (!node) throw new ProvisionFailure(`couldn't find node on graph: "${entry.label}"`);
    const owner = closestLabel(graph, node, true, attachable);
    if (!owner) continue;
    resourceAgents.set(owner, [...(resourceAgents.get(owner) ?? []), entry]);
    allAgents.push(entry);
  }

  // After apply ids are known; while planning only the graph tells which agent a helper is for.
  const agentsFor = (r: TfResource): AgentEntry[] => {
    const agentId = str(r.values.agent_id);
    return allAgents.filter((a) =>
      agentId === '' && !a.agent.id ? hasEdge(graph, labelOf(r.address), a.label) : a.agent.id === agentId,
    );
  };

  const slugs = new Set<string>();
  for (const r of ofType('coder_app')) {
    const app = convertApp(r);
    if (!appSlugRegex.test(app.slug))
      throw new ProvisionFailure(`app slug "${app.slug}" does not match regex "^[a-z0-9](-?[a-z0-9])*$"`);
    if (slugs.has(app.slug))
      throw new ProvisionFailure(`duplicate app slug, they must be unique per template: "${app.slug}"`);
    slugs.add(app.slug);
    for (const a of agentsFor(r)) a.agent.apps!.push(app);
  }
  for (const r of ofType('coder_env')) {
    for (const a of agentsFor(r)) a.extraEnv[str(r.values.name)] = str(r.values.value);
  }
  for (const r of ofType('coder_script')) {
    const v = r.values;
    for (const a of agentsFor(r))
      a.agent.scripts!.push({
        display_name: str(v.display_name),
        icon: str(v.icon),
        script: str(v.script),
        cron: str(v.cron),
        start_blocks_login: bool(v.start_blocks_login, false),
        run_on_start: bool(v.run_on_start, false),
        run_on_stop: bool(v.run_on_stop, false),
        timeout_seconds: num(v.timeout) ?? 0,
        log_path: str(v.log_path),
      });
  }
  for (const r of ofType('coder_agent_instance')) {
    for (const a of allAgents)
      if (a.instanceAuth && a.agent.id && a.agent.id === str(r.values.agent_id))
        a.agent.instance_id = str(r.values.instance_id);
  }
  for (const a of allAgents) {
    const env = { ...a.extraEnv, ...(a.agent.env ?? {}) };
    if (Object.keys(env).length > 0) a.agent.env = env;
    else delete a.agent.env;
  }

  // Metadata: applied to the closest resource each coder_metadata depends on.
  const metadata = new Map<
    string,
    { hide: boolean; icon: string; daily_cost: number; items: ProvisionedResourceMetadata[] }
  >();
  for (const r of ofType('coder_metadata')) {
    const node = nodeByLabel(graph, labelOf(r.address));
    if (!node) continue;
    const target = closestLabel(graph, node, false, attachable);
    if (!target) continue;
    if (metadata.has(target)) throw new ProvisionFailure(`duplicate metadata resource: ${target}`);
    metadata.set(target, {
      hide: bool(r.values.hide, false),
      icon: str(r.values.icon),
      daily_cost: num(r.values.daily_cost) ?? 0,
      items: list(r.values.item).map((item) => ({
        key: str(item.key),
        value: str(item.value),
        sensitive: bool(item.sensitive, false),
        is_null: bool(item.is_null, item.value === null || item.value === undefined),
      })),
    });
  }

  const out: ProvisionedResource[] = [];
  for (const r of sorted) {
    if (r.mode !== 'managed' || helperTypes.has(r.type)) continue;
    const label = labelOf(r.address);
    const agents = (resourceAgents.get(label) ?? []).map((a) => a.agent);
    const idAttribute = automaticInstanceId[r.type];
    if (idAttribute)
      for (const a of resourceAgents.get(label) ?? [])
        if (a.instanceAuth && !a.agent.instance_id) a.agent.instance_id = str(r.values[idAttribute]);
    const meta = metadata.get(label);
    const resource: ProvisionedResource = { name: r.name, type: r.type };
    if (agents.length > 0) resource.agents = agents;
    if (meta) {
      resource.metadata = meta.items;
      resource.hide = meta.hide;
      if (meta.icon) resource.icon = meta.icon;
      resource.daily_cost = meta.daily_cost;
    }
    const typeAttribute = instanceTypeAttribute[r.type];
    if (typeAttribute && str(r.values[typeAttribute])) resource.instance_type = str(r.values[typeAttribute]);
    if (r.module) resource.module_path = r.module;
    out.push(resource);
  }
  return out;
}
