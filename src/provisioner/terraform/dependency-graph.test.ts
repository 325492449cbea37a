import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestLabel, hasEdge, nodeByLabel, parseDot } from './dependency-graph.js';

// Shape of `terraform graph -type=plan` (Terraform 1.11), with escaped quotes in provider nodes.
const dot = `digraph {
	compound = "true"
	subgraph "root" {
		"[root] coder_agent.main (expand)" [label = "coder_agent.main", shape = "box"]
		"[root] coder_app.code (expand)" [label = "coder_app.code", shape = "box"]
		"[root] local.init (expand)" [label = "local.init", shape = "note"]
		"[root] terraform_data.a (expand)" [label = "terraform_data.a", shape = "box"]
		"[root] terraform_data.b (expand)" [label = "terraform_data.b", shape = "box"]
		"[root] terraform_data.c (expand)" [label = "terraform_data.c", shape = "box"]
		"[root] provider[\\"registry.terraform.io/coder/coder\\"]" [label = "provider[\\"registry.terraform.io/coder/coder\\"]", shape = "diamond"]
		"[root] coder_agent.main (expand)" -> "[root] provider[\\"registry.terraform.io/coder/coder\\"]"
		"[root] coder_app.code (expand)" -> "[root] coder_agent.main (expand)"
		"[root] local.init (expand)" -> "[root] coder_agent.main (expand)"
		"[root] terraform_data.c (expand)" -> "[root] local.init (expand)"
		"[root] terraform_data.b (expand)" -> "[root] local.init (expand)"
		"[root] terraform_data.a (expand)" -> "[root] terraform_data.b (expand)"
	}
}`;

test('parses nodes with labels and edges, escaped quotes included', () => {
  const g = parseDot(dot);
  assert.equal(
    g.labels.get('[root] provider["registry.terraform.io/coder/coder"]'),
    'provider["registry.terraform.io/coder/coder"]',
  );
  assert.equal(nodeByLabel(g, 'coder_agent.main'), '[root] coder_agent.main (expand)');
  assert.ok(hasEdge(g, 'coder_app.code', 'coder_agent.main'));
  assert.ok(!hasEdge(g, 'terraform_data.a', 'coder_agent.main'), 'only direct edges count');
});

test('closest dependent wins; equal distance goes to the smaller label; coder resources skipped', () => {
  const g = parseDot(dot);
  const managed = (l: string) => l.startsWith('terraform_data.');
  // b and c are both two edges away (through local.init); a is three.
  assert.equal(closestLabel(g, nodeByLabel(g, 'coder_agent.main')!, true, managed), 'terraform_data.b');
  assert.equal(closestLabel(g, nodeByLabel(g, 'terraform_data.a')!, false, managed), 'terraform_data.b');
  assert.equal(closestLabel(g, nodeByLabel(g, 'terraform_data.c')!, true, managed), undefined);
});
