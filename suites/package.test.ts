/**
 * The package as another project gets it (issue 11, §5): `npm pack` (whose `prepare` builds dist/),
 * the tarball installed into a fresh project with npm, then plain `node` and the installed command,
 * once in a `"type": "module"` project and once in a default (CommonJS) one.
 *
 * No network: the temporary project's node_modules first links the package's runtime dependencies
 * (`dependencies` and `optionalDependencies`, not devDependencies) to this repository's copies, so
 * `npm install --offline` finds them satisfied and only unpacks the tarball and links its bin. The
 * project lives under the OS temp directory, so nothing resolves from this repository by walking up.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeKernel } from '../src/pipeline/kernel.ts';
import { readInputs, readSpec } from '../src/io.ts';
import type { CheckLayerReport } from '../src/checkLayer/engine.ts';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// The outer `npm test` exports npm_* settings (prefix, lifecycle event…); the inner npm must not see them.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The softsign layer of docs/check-layer.md ("Your first layer", step 1), as a user copies it into a project. */
function readmeLayer(): string {
  const readme = readFileSync(join(root, 'docs/check-layer.md'), 'utf8');
  const step = readme.indexOf('**1. The file.**');
  const start = readme.indexOf('```ts\n', step);
  const end = readme.indexOf('\n```', start);
  if (step < 0 || start < 0 || end < 0) throw new Error('docs/check-layer.md: no ```ts block after "**1. The file.**" in "Your first layer"');
  return readme.slice(start + '```ts\n'.length, end + 1);
}

// Plain node, no loader: the API loads, computes a kernel from raw JSON files shipped in the package,
// and offers what a layer author needs.
const consumerScript = `
import * as api from 'infinite-attention';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const read = (p) => JSON.parse(readFileSync(require.resolve('infinite-attention/package.json').replace(/package\\.json$/, p), 'utf8'));
const k = api.computeKernel(read('fixtures/specs/mlp-residual.json'), read('fixtures/inputs/seq3x4x6-masked.json'));
const names = ['tf', 'computeKernel', 'estimate', 'parseNetworkSpec', 'parseInputs', 'network', 'dense', 'attention', 'registerLayer',
  'KernelError', 'featureGram', 'featureMeans', 'quadratureActivation', 'linear', 'addBias', 'deferred', 'layerTypes', 'elementwise', 'builtInLayers', 'checkLayer', 'runCase'];
console.log(JSON.stringify({ nngp: Array.from(k.nngp), ntk: Array.from(k.ntk), missing: names.filter((n) => api[n] === undefined) }));
`;

const projects = [
  { name: '"type": "module"', dir: 'esm', manifest: { name: 'consumer-esm', private: true, type: 'module' } },
  { name: 'default (CommonJS)', dir: 'cjs', manifest: { name: 'consumer-cjs', private: true } },
] as const;

let work = '';

function linkFromRepo(project: string, name: string): void {
  const target = join(root, 'node_modules', name);
  if (!existsSync(target)) return; // an optional dependency this platform skipped
  mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
  symlinkSync(target, join(project, 'node_modules', name), 'dir');
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'infinite-attention-package-'));
  ok(run(npm, ['pack', '--pack-destination', work], root), 'npm pack');
  const tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz'));
  expect(tarballs).toHaveLength(1);
  const tarball = join(work, tarballs[0]);
  for (const p of projects) {
    const dir = join(work, p.dir);
    mkdirSync(join(dir, 'layers'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify(p.manifest, null, 2));
    for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]) linkFromRepo(dir, name);
    ok(run(npm, ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], dir), `npm install (${p.name})`);
    // What a TypeScript project has besides (after the install, which prunes what no one depends on).
    linkFromRepo(dir, '@types/node');
    writeFileSync(join(dir, 'layers', 'softsign.ts'), readmeLayer());
    writeFileSync(join(dir, 'consumer.mjs'), consumerScript);
  }
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds compiled JavaScript and declarations, and no TypeScript sources', () => {
    const listing = execFileSync('tar', ['tzf', join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!)], { encoding: 'utf8' }).split('\n');
    for (const f of ['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/cli/main.js', 'package/dist/estimators/shardWorker.js', 'package/bin/infinite-attention.js', 'package/fixtures/suites/default.json', 'package/fixtures/layers/inputs.json'])
      expect(listing).toContain(f);
    expect(listing.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });
});

describe.each(projects)('installed into a $name project', (p) => {
  const dir = () => join(work, p.dir);

  it('plain node imports the API, computes the same kernel as the sources, and exports the layer toolkit', () => {
    const out = JSON.parse(ok(run(process.execPath, ['consumer.mjs'], dir()), 'node consumer.mjs')) as { nngp: number[]; ntk: number[]; missing: string[] };
    expect(out.missing).toEqual([]);
    const ours = computeKernel(readSpec(join(root, 'fixtures/specs/mlp-residual.json')), readInputs(join(root, 'fixtures/inputs/seq3x4x6-masked.json')));
    expect(out.nngp).toEqual(Array.from(ours.nngp));
    expect(out.ntk).toEqual(Array.from(ours.ntk));
  });

  it('npx infinite-attention check-layer loads the layer of docs/check-layer.md, which imports only from the package', () => {
    const r = run(npm, ['exec', '--offline', '--', 'infinite-attention', 'check-layer', 'layers/softsign.ts', '--only', 'gaussian,general', '--runs', '0', '--networks', '16', '--json', '--quiet'], dir());
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const report = JSON.parse(r.stdout) as CheckLayerReport;
    // "general" (after a relu) is refused with the layer's own KernelError: the CLI recognises it as one only
    // when the layer file and the CLI share one copy of the package's modules.
    expect(report.table.map((row) => [row.name, row.status])).toEqual([
      ['gaussian', 'pass'],
      ['general', 'refused'],
    ]);
    expect(report.passed).toBe(true);
  });
});

describe('installed into a "type": "module" project', () => {
  const dir = () => join(work, 'esm');

  it('estimate --workers starts its worker threads from the compiled layout', () => {
    writeFileSync(join(dir(), 'spec.json'), JSON.stringify({ layers: [{ type: 'dense', width: 8 }, { type: 'relu' }, { type: 'dense', width: 1 }] }));
    writeFileSync(join(dir(), 'inputs.json'), JSON.stringify({ inputs: [[[1, 0]], [[0.6, 0.8]]] }));
    const r = run(npm, ['exec', '--offline', '--', 'infinite-attention', 'estimate', '--spec', 'spec.json', '--inputs', 'inputs.json', '--networks', '128', '--workers', '2', '--backend', 'wasm', '--json'], dir());
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { networks: number; nngp: number[][] };
    expect(out.networks).toBe(128);
    expect(out.nngp.flat().every(Number.isFinite)).toBe(true);
  });

  it('the command finds the files it ships: the default suite and the default check-layer inputs', () => {
    const installed = join(dir(), 'node_modules', 'infinite-attention');
    const defaults = (command: string) => {
      const help = ok(run(npm, ['exec', '--offline', '--', 'infinite-attention', command, '--help'], dir()), `${command} --help`);
      return [...help.matchAll(/\(default:\s+"([^"]+)"\)/g)].map((m) => m[1]);
    };
    for (const [command, file] of [
      ['validate', 'fixtures/suites/default.json'],
      ['check-layer', 'fixtures/layers/inputs.json'],
    ]) {
      const path = defaults(command).find((p) => p.endsWith(file));
      expect(path, `${command} --help names a default ${file}`).toBeDefined();
      expect(existsSync(path!)).toBe(true);
      expect(realpathSync(path!)).toBe(realpathSync(join(installed, file)));
    }
  });

  it('the declarations type-check the layer of docs/check-layer.md in a strict TypeScript project', () => {
    writeFileSync(
      join(dir(), 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['layers/softsign.ts'] }),
    );
    ok(run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], dir()), 'tsc');
  });
});
