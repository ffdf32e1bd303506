/** The `infinite-attention` command line. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { readInputs, readSpec, toMatrix } from '../io.ts';
import { computeKernel } from '../kernels/compute.ts';
import { estimate } from '../estimators/ensemble.ts';
import { backendChoices, type BackendChoice } from '../backend.ts';
import { loadSuite } from '../validation/suite.ts';
import { runCase, type CaseResult } from '../validation/case.ts';
import { SpecError } from '../spec/schema.ts';
import { KernelError } from '../kernels/state.ts';
import { formatMatrix, formatVerdictTable } from './format.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const defaultSuite = resolve(root, 'fixtures/suites/default.json');

const int = (name: string, min: number) => (s: string) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}`);
  return n;
};
const prob = (s: string) => {
  const n = Number(s);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('must be a number in (0, 1)');
  return n;
};

const backendOption = () =>
  new Option('--backend <name>', 'tfjs backend (auto tries tfjs-node-gpu, tfjs-node, wasm, cpu in that order)')
    .choices(backendChoices as string[])
    .default('auto');

function progress(quiet: boolean): (msg: string) => void {
  if (quiet) return () => {};
  let last = 0;
  return (msg) => {
    const now = Date.now();
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${msg}`);
    else if (now - last > 5000) {
      process.stderr.write(`${msg}\n`);
      last = now;
    }
  };
}

export function buildProgram(): Command {
  const program = new Command('infinite-attention')
    .description('Finite attention networks against their infinite-width NNGP and NTK kernels')
    .showSuggestionAfterError()
    .configureHelp({ sortSubcommands: false });

  program
    .command('kernel')
    .description('analytic NNGP and NTK (float64): M×M after pooling, else (M·T)×(M·T)')
    .requiredOption('--spec <file>', 'network spec JSON {"layers": [...]}')
    .requiredOption('--inputs <file>', 'inputs JSON {"inputs": [M][T][d], "mask"?: [M][T]}')
    .option('--precision <p>', 'target relative standard error of sampled attention kernels', Number, 0.01)
    .option('--seed <s>', 'seed of the kernel\'s own sampling (sqrt attention)', int('seed', 1), 1)
    .option('--json', 'print JSON')
    .action((o) => {
      const spec = readSpec(o.spec);
      const batch = readInputs(o.inputs);
      const k = computeKernel(spec, batch, { precision: o.precision, seed: o.seed });
      const P = k.M * k.T;
      const out = { M: k.M, T: k.T, nngp: toMatrix(k.nngp, P), ntk: toMatrix(k.ntk, P), nngpSE: toMatrix(k.nngpSE, P), ntkSE: toMatrix(k.ntkSE, P), samples: k.samples };
      if (o.json) console.log(JSON.stringify(out));
      else {
        console.log(`NNGP (${P}×${P})${k.samples ? `, ${k.samples} logit samples, relative SE ${k.precision.toExponential(2)}` : ''}`);
        console.log(formatMatrix(k.nngp, P));
        console.log(`NTK (${P}×${P})`);
        console.log(formatMatrix(k.ntk, P));
      }
    });

  program
    .command('estimate')
    .description('Monte-Carlo NNGP and NTK over an ensemble of finite networks (float32 sampling, float64 accumulation)')
    .requiredOption('--spec <file>', 'network spec JSON')
    .requiredOption('--inputs <file>', 'inputs JSON')
    .option('--networks <N>', 'networks in the ensemble', int('networks', 2), 256)
    .option('--seed <s>', 'run seed (≥ 1); the same seed gives the same numbers', int('seed', 1), 1)
    .option('--no-ntk', 'skip the NTK')
    .option('--no-nngp', 'skip the NNGP')
    .addOption(backendOption())
    .option('--json', 'print JSON')
    .option('--quiet', 'no progress output')
    .action(async (o) => {
      const spec = readSpec(o.spec);
      const batch = readInputs(o.inputs);
      const say = progress(o.quiet);
      const r = await estimate(spec, batch, {
        networks: o.networks,
        seed: o.seed,
        nngp: o.nngp,
        ntk: o.ntk,
        backend: o.backend as BackendChoice,
        onProgress: (d, t) => say(`${d}/${t} networks`),
      });
      if (!o.quiet && process.stderr.isTTY) process.stderr.write('\n');
      const P = r.M * r.T;
      const out = {
        M: r.M,
        T: r.T,
        nngp: toMatrix(r.nngp, P),
        nngpSE: toMatrix(r.nngpSE, P),
        ntk: toMatrix(r.ntk, P),
        ntkSE: toMatrix(r.ntkSE, P),
        backend: r.backend,
        networks: r.networks,
        seconds: r.seconds,
      };
      if (o.json) console.log(JSON.stringify(out));
      else {
        console.log(`${r.networks} networks on ${r.backend} in ${r.seconds.toFixed(2)} s (${(r.networks / r.seconds).toFixed(1)} networks/s)`);
        if (r.nngp) console.log(`NNGP ± SE\n${formatMatrix(r.nngp, P, r.nngpSE)}`);
        if (r.ntk) console.log(`NTK ± SE\n${formatMatrix(r.ntk, P, r.ntkSE)}`);
      }
    });

  program
    .command('validate')
    .description('run a validation suite (default: the suite shipped in fixtures/) and print a verdict table; exit 1 on any failure')
    .option('--suite <file>', 'suite JSON', defaultSuite)
    .option('--alpha <a>', 'family-wise false-positive rate of the whole suite (Bonferroni over verdicts)', prob, 1e-3)
    .option('--only <names>', 'comma-separated case names to run')
    .addOption(backendOption())
    .option('--json', 'print JSON')
    .option('--quiet', 'no progress output')
    .action(async (o) => {
      let cases = loadSuite(o.suite);
      if (o.only) {
        const want = new Set(String(o.only).split(','));
        cases = cases.filter((c) => want.has(c.name));
      }
      const verdictCount = cases.reduce((s, c) => s + (c.checks?.length ?? 2), 0);
      const alpha = o.alpha / Math.max(1, verdictCount);
      const say = progress(o.quiet);
      const results: CaseResult[] = [];
      for (const c of cases) results.push(await runCase(c, { alpha, backend: o.backend as BackendChoice, onProgress: say }));
      if (!o.quiet && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      const failed = results.some((r) => Object.values(r.verdicts).some((v) => v?.rejected));
      if (o.json)
        console.log(
          JSON.stringify({
            alpha: o.alpha,
            perVerdictAlpha: alpha,
            backend: results[0]?.backend,
            passed: !failed,
            cases: results.map((r) => ({ name: r.name, seconds: r.seconds, verdicts: Object.fromEntries(Object.entries(r.verdicts).map(([k, v]) => [k, v && { ...v, extrapolated: undefined, extrapolatedSE: undefined }])) })),
          }),
        );
      else console.log(formatVerdictTable(results, o.alpha, alpha));
      process.exitCode = failed ? 1 : 0;
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof SpecError || e instanceof KernelError) {
      console.error(`error: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}
