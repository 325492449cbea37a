/**
 * Terraform's dependency graph (`terraform graph -type=plan`, DOT text) and the "closest resource"
 * search Coder uses to attach agents and metadata to resources (coder-behaviour.md §4.5, Coder's
 * resources.go `findResourcesInGraph`). Edges point from a node to what it depends on.
 */

export interface DependencyGraph {
  /** Node id → its label (`coder_agent.main`, `module.m.terraform_data.vm`). */
  labels: Map<string, string>;
  /** Node id → the nodes it depends on. */
  dependsOn: Map<string, Set<string>>;
  /** Node id → the nodes that depend on it. */
  dependents: Map<string, Set<string>>;
}

const quoted = /"((?:[^"\\]|\\.)*)"/g;
const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

export function parseDot(dot: string): DependencyGraph {
  const graph: DependencyGraph = { labels: new Map(), dependsOn: new Map(), dependents: new Map() };
  const add = (map: Map<string, Set<string>>, k: string, v: string) => {
    let set = map.get(k);
    if (!set) map.set(k, (set = new Set()));
    set.add(v);
  };
  for (const raw of dot.split('\n')) {
    const line = raw.trim();
    const strings = [...line.matchAll(quoted)];
    if (strings.length < 2 || !line.startsWith('"')) continue;
    const first = unescape(strings[0]![1]!);
    const afterFirst = line.slice(strings[0]![0].length).trimStart();
    if (afterFirst.startsWith('->')) {
      const second = unescape(strings[1]![1]!);
      add(graph.dependsOn, first, second);
      add(graph.dependents, second, first);
    } else if (afterFirst.startsWith('[')) {
      const label = /label\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(afterFirst);
      if (label) graph.labels.set(first, unescape(label[1]!));
    }
  }
  return graph;
}

export function nodeByLabel(graph: DependencyGraph, label: string): string | undefined {
  for (const [id, l] of graph.labels) if (l === label) return id;
  return undefined;
}

/**
 * The closest node (fewest edges away, `up` = among those depending on `start`, otherwise among
 * those it depends on) whose label `accept`s; ties go to the smallest label. Breadth-first, which
 * gives the same answer as Coder's exhaustive walk without revisiting shared ancestors.
 */
export function closestLabel(
  graph: DependencyGraph,
  start: string,
  up: boolean,
  accept: (label: string) => boolean,
): string | undefined {
  const edges = up ? graph.dependents : graph.dependsOn;
  const seen = new Set([start]);
  let frontier = [start];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const n of edges.get(id) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        next.push(n);
      }
    }
    const found = next
      .map((id) => graph.labels.get(id))
      .filter((l): l is string => l !== undefined && accept(l))
      .sort();
    if (found.length > 0) return found[0];
    frontier = next;
  }
  return undefined;
}

/** Whether `from` has a direct edge to `to` (matched by label). */
export function hasEdge(graph: DependencyGraph, fromLabel: string, toLabel: string): boolean {
  for (const [id, deps] of graph.dependsOn) {
    if (graph.labels.get(id) !== fromLabel) continue;
    for (const d of deps) if (graph.labels.get(d) === toLabel) return true;
  }
  return false;
}
