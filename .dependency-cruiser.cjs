/**
 * The import graph of src/, checked by suites/imports.test.ts (part of `npm test`) and by
 * `npm run depcheck`.
 *
 * Floors, lowest first: a module may import its own floor and the floors below it, never a floor
 * above. The data path reads upwards: a spec is parsed (spec/), analytic kernels are float64 maps
 * (kernels/), layers hold both halves (layers/), a network is a stack of them (network.ts), the
 * estimators sample finite networks (estimators/), the pipeline drives a network's kernel and
 * sweeps (pipeline/), the verdict engine judges (verdicts/), validation and training run cases and
 * suites, reports render them (in the results/ format), and the CLI parses and prints on top.
 */
const floors = [
  // 0: foundations that import nothing of the project's above them.
  // results/ is the results.json format, which the drivers fill and reports/ renders.
  ['spec', 'numerics', 'stats', 'random', 'linalg', 'tensors', 'results', 'backend.ts', 'format.ts'],
  // 1: analytic kernel maps and their state.
  ['kernels'],
  // 2: layers, both halves (finite pass and kernel map), and their registry with the walkers of a
  // spec that read it (parsing, scaling, the head-limit rule).
  ['layers'],
  // 3: whole networks, the infinite-width laws built on layers, the training tasks, spec files.
  ['network.ts', 'limits', 'tasks', 'io.ts'],
  // 4: Monte-Carlo estimators of a finite network's NNGP and NTK.
  ['estimators'],
  // 5: drivers: a network's analytic kernel to a requested precision, a sweep over heads and widths.
  ['pipeline'],
  // 6: the statistical verdict engine.
  ['verdicts'],
  // 7: cases and suites.
  ['validation'],
  // 8: training dynamics against the NTK (runs validation's cases).
  ['training'],
  // 9: rendering.
  ['reports'],
  // 10: regression baselines and check-layer's engine (they run cases; nothing below them reads them).
  ['baselines', 'checkLayer'],
  // 11: the command line.
  ['cli'],
  // 12: the package's public face.
  ['index.ts'],
];

const escape = (s) => s.replace(/[.]/g, '\\.');
const pathOf = (names) => `^src/(${names.map(escape).join('|')})($|/)`;

/** Test files and their helpers are leaves: they may import any floor. */
const testFiles = ['\\.test\\.ts$', '/testSupport\\.ts$', '/testHelpers\\.ts$', '/testUtils\\.ts$'];

const layering = floors.slice(0, -1).map((names, i) => ({
  name: `floor-${i}-imports-upward`,
  comment: `${names.join(', ')} (floor ${i}) may not import a floor above it`,
  severity: 'error',
  from: { path: pathOf(names), pathNot: testFiles },
  to: { path: pathOf(floors.slice(i + 1).flat()) },
}));

/**
 * Imports against the rules that are tolerated for now (none today). The check reports them as
 * known, and fails once one is gone so that the list stays true.
 */
const knownViolations = [];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle makes the module first imported see its peers uninitialised (ReferenceError).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-cli-below-cli',
      comment: 'The CLI parses and prints; engines live below it and never import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/cli/', ...testFiles] },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-tests-or-fixtures-from-src',
      comment: 'The library never imports the suites or their fixtures (they are not published).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(suites|fixtures)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    ...layering,
  ],
  options: {
    knownViolations,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.d.ts'],
    },
  },
};
