// Enforces the dependency direction between component folders (docs/adr/0001-layering-and-import-boundaries.md).
// Each file's folder decides which other component folders it may import; folders not in the table fail.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Most specific prefix wins. `self` is always allowed. */
export const boundaries = [
  { from: 'src/sdk', allow: [] },
  { from: 'src/database', allow: ['src/sdk'] },
  { from: 'src/coderd', allow: ['src/sdk', 'src/database'] },
  { from: 'src/provisionerd', allow: ['src/sdk'] },
  { from: 'src/provisioner/echo', allow: ['src/sdk'] },
  { from: 'src/provisioner/terraform', allow: ['src/sdk'] },
  { from: 'src/provisioner', allow: ['src/sdk'] },
  { from: 'src/tfprovider', allow: ['src/sdk'] },
  { from: 'src/agent', allow: ['src/sdk'] },
  {
    from: 'src/cli/server',
    allow: ['src/sdk', 'src/cli', 'src/coderd', 'src/provisionerd', 'src/provisioner', 'src/tfprovider'],
  },
  {
    from: 'src/cli/provisioner',
    allow: ['src/sdk', 'src/cli', 'src/provisionerd', 'src/provisioner', 'src/tfprovider'],
  },
  { from: 'src/cli/agent', allow: ['src/sdk', 'src/cli', 'src/agent'] },
  // simulate-agents runs the real agent in process.
  { from: 'src/cli/scaletest', allow: ['src/sdk', 'src/cli', 'src/agent'] },
  { from: 'src/cli/tfprovider', allow: ['src/sdk', 'src/cli', 'src/tfprovider'] },
  { from: 'src/cli', allow: ['src/sdk'] },
  { from: 'site', allow: ['src/sdk'] },
  { from: 'test', allow: ['*'] },
  { from: 'bench', allow: ['*'] },
  { from: 'scripts', allow: ['*'] },
  { from: 'tools', allow: ['*'] },
];

const components = [
  'src/sdk',
  'src/database',
  'src/coderd',
  'src/provisionerd',
  'src/provisioner',
  'src/tfprovider',
  'src/agent',
  'src/cli',
  'site',
  'test',
  'bench',
  'scripts',
  'tools',
];

const under = (file, dir) => file === dir || file.startsWith(dir + '/');

function ruleFor(rel) {
  return boundaries.filter((b) => under(rel, b.from)).sort((a, b) => b.from.length - a.from.length)[0];
}

function componentOf(rel) {
  return components.filter((c) => under(rel, c)).sort((a, b) => b.length - a.length)[0];
}

export const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Component folders import only the folders ADR 0001 allows.' },
    schema: [],
  },
  create(context) {
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const rule = file.includes('/') ? ruleFor(file) : { from: '', allow: ['*'] };
    if (!rule) {
      return {
        Program(node) {
          context.report({
            node,
            message: `"${file}" is in no folder of the import-boundary table (ADR 0001); add it there.`,
          });
        },
      };
    }
    function check(node, source) {
      if (typeof source !== 'string') return;
      if (!source.startsWith('.')) return;
      const target = path
        .relative(root, path.resolve(path.dirname(context.filename), source))
        .split(path.sep)
        .join('/');
      if (rule.allow.includes('*') || under(target, rule.from)) return;
      const targetComponent = componentOf(target);
      if (!targetComponent || under(target, componentOf(file) ?? '\0')) return;
      if (rule.allow.some((a) => under(target, a))) return;
      // Tests beside the code may use the shared fixtures under test/.
      if (/\.test\.ts$/.test(file) && targetComponent === 'test') return;
      context.report({
        node,
        message: `"${rule.from}" may not import "${targetComponent}" (allowed: ${rule.allow.join(', ') || 'nothing outside itself'}). See docs/adr/0001-layering-and-import-boundaries.md.`,
      });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

/** The process entry points: the `hangar` command and the agent bundle served to workspaces. */
const entryPoints = new Set(['src/cli/main.ts', 'src/cli/agent/bundle-entry.ts']);

export const noProcessExit = {
  meta: { type: 'problem', docs: { description: 'process.exit only in process entry points.' }, schema: [] },
  create(context) {
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    if (!file.startsWith('src/') || entryPoints.has(file)) return {};
    return {
      'CallExpression[callee.object.name="process"][callee.property.name="exit"]'(node) {
        context.report({
          node,
          message: `Call process.exit only from an entry point (${[...entryPoints].join(', ')}); throw or return instead.`,
        });
      },
    };
  },
};

export const plugin = { rules: { 'import-boundaries': importBoundaries, 'no-process-exit': noProcessExit } };
