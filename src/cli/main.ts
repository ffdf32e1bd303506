/** The `infinite-attention` command line. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { readInputs, readSpec, toMatrix } from '../io.ts';
import { computeKernel } from '../kernels/compute.ts';
import { estimate } from '../estimators/ensemble.ts';
import { BackendError, backendChoices, type BackendChoice } from '../backend.ts';
import { loadSuite } from '../validation/suite.ts';
import { runCase, type CaseResult } from '../validation/case.ts';
import { decideSuite, verdictCount } from '../validation/family.ts';
import { holmWorstCaseLevel } from '../verdicts/holmFamily.ts';
import { SpecError } from '../spec/schema.ts';
import { KernelError } from '../kernels/state.ts';
import { formatMatrix, formatVerdictTable } from './format.ts';
import { afterValidate, registerCommands } from './commands/index.ts';
import { writeFileSync } from 'node:fs';
import { readJson } from '../io.ts';
import { mergeShards, parseShard, runShard, type MergedEstimate, type ShardFile } from '../estimators/shards.ts';
import { estimateParallel } from '../estimators/parallel.ts';
import { loadTrainingCases } from '../training/suite.ts';
import { formatTrainingTable, runTrainingCases, trainingExtras, trainingVerdictCount } from '../training/validate.ts';

interface PrintableEstimate {
  M: number;
  T: number;
  nngp: Float64Array | null;
  nngpSE: Float64Array | null;
  ntk: Float64Array | null;
  ntkSE: Float64Array | null;
  backend: string;
  networks: number;
  seconds: number;
  memory?: { start: { numTensors: number; rssMB: number }; end: { numTensors: number; rssMB: number } };
}

function fromMerged(m: MergedEstimate & { seconds: number }): PrintableEstimate {
  return {
    M: m.M,
    T: m.T,
    nngp: m.nngp ? new Float64Array(m.nngp.mean) : null,
    nngpSE: m.nngp ? m.nngp.standardError() : null,
    ntk: m.ntk ? new Float64Array(m.ntk.mean) : null,
    ntkSE: m.ntk ? m.ntk.standardError() : null,
    backend: m.backends.join('+'),
    networks: m.networks,
    seconds: m.seconds,
  };
}

function printEstimate(r: PrintableEstimate, json: boolean): void {
  const P = r.M * r.T;
  if (json) {
    const { nngp, nngpSE, ntk, ntkSE, ...rest } = r;
    console.log(JSON.stringify({ ...rest, nngp: toMatrix(nngp, P), nngpSE: toMatrix(nngpSE, P), ntk: toMatrix(ntk, P), ntkSE: toMatrix(ntkSE, P) }));
    return;
  }
  console.log(`${r.networks} networks on ${r.backend}${r.seconds ? ` in ${r.seconds.toFixed(2)} s (${(r.networks / r.seconds).toFixed(1)} networks/s)` : ''}`);
  if (r.memory)
    console.log(
      `memory: ${r.memory.start.numTensors} → ${r.memory.end.numTensors} tensors, RSS ${r.memory.start.rssMB.toFixed(0)} → ${r.memory.end.rssMB.toFixed(0)} MB`,
    );
  if (r.nngp) console.log(`NNGP ± SE\n${formatMatrix(r.nngp, P, r.nngpSE)}`);
  if (r.ntk) console.log(`NTK ± SE\n${formatMatrix(r.ntk, P, r.ntkSE)}`);
}

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
  new Option('--backend <name>', 'tfjs backend (auto tries tfjs-node-gpu, webgpu on a hardware GPU, tfjs-node, wasm, cpu in that order)')
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
        console.log(formatMatrix(k.nngp, P, k.nngpSE));
        console.log(`NTK (${P}×${P})${k.ntkSE ? ' ± Monte-Carlo SE' : ''}`);
        console.log(formatMatrix(k.ntk, P, k.ntkSE));
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
    .option('--shard <i/n>', 'run only shard i of n (blocks of 64 networks, block b to shard b mod n) and write it with --out')
    .option('--out <file>', 'with --shard: the shard file to write (merge shards with `infinite-attention merge`)')
    .option('--workers <k>', 'spread the networks over k worker threads (bit-identical to one thread)', int('workers', 1), 1)
    .option('--chunk <n>', 'networks per tensor batch (default: 1 on wasm, where only unbatched products are fast; larger elsewhere)', int('chunk', 1))
    .option('--no-preactivations', 'draw every weight of the NNGP networks instead of sampling hidden pre-activations given their inputs (same law; docs/estimators.md)')
    .addOption(backendOption())
    .option('--json', 'print JSON')
    .option('--quiet', 'no progress output')
    .action(async (o) => {
      const spec = readSpec(o.spec);
      const batch = readInputs(o.inputs);
      const say = progress(o.quiet);
      const common = { networks: o.networks, seed: o.seed, nngp: o.nngp, ntk: o.ntk, chunk: o.chunk, preactivations: o.preactivations as boolean, backend: o.backend as BackendChoice, onProgress: (d: number, t: number) => say(`${d}/${t} networks`) };
      if (o.shard !== undefined) {
        if (!o.out) throw new SpecError('--shard needs --out FILE for the shard file');
        const file = await runShard(spec, batch, { ...common, shard: parseShard(o.shard) });
        writeFileSync(o.out, JSON.stringify(file));
        if (!o.quiet) console.error(`\nwrote ${file.blocks.length} block(s) of shard ${o.shard} to ${o.out}`);
        return;
      }
      const r =
        o.workers > 1
          ? fromMerged(await estimateParallel(spec, batch, { ...common, workers: o.workers }))
          : await estimate(spec, batch, common);
      if (!o.quiet && process.stderr.isTTY) process.stderr.write('\n');
      printEstimate(r, o.json);
    });

  program
    .command('merge')
    .description('combine shard files into the result of the unsharded run (bit-identical)')
    .argument('<files...>', 'shard files written by `estimate --shard i/n --out FILE`')
    .option('--json', 'print JSON')
    .action((files: string[], o) => {
      const merged = mergeShards(files.map((f) => readJson(f, 'shard') as ShardFile));
      printEstimate({ ...fromMerged({ ...merged, seconds: 0 }), backend: merged.backends.join('+') }, o.json);
    });

  program
    .command('validate')
    .description('run a validation suite (default: the suite shipped in fixtures/) and print a verdict table; exit 1 on any failure')
    .option('--suite <file>', 'suite JSON', defaultSuite)
    .option('--alpha <a>', 'family-wise false-positive rate of the whole suite (Holm over its verdicts)', prob, 1e-3)
    .option('--only <names>', 'comma-separated case names to run')
    .addOption(backendOption())
    .option('--json', 'print JSON')
    .option('--quiet', 'no progress output')
    .action(async (o) => {
      let cases = loadSuite(o.suite);
      const want = o.only ? new Set(String(o.only).split(',')) : undefined;
      if (want) cases = cases.filter((c) => want.has(c.name));
      const training = loadTrainingCases(o.suite, want);
      // Each verdict states its power at Holm's worst-case level α/k; the family decides at α.
      const perVerdict = holmWorstCaseLevel(o.alpha, verdictCount(cases) + trainingVerdictCount(training));
      const say = progress(o.quiet);
      const results: CaseResult[] = [];
      for (const c of cases) results.push(await runCase(c, { alpha: perVerdict, backend: o.backend as BackendChoice, onProgress: say }));
      const trained = await runTrainingCases(training, { alpha: perVerdict, backend: o.backend as BackendChoice, onProgress: say });
      if (!o.quiet && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      const decision = decideSuite(results, o.alpha, trainingExtras(trained));
      if (o.json)
        console.log(
          JSON.stringify({
            alpha: o.alpha,
            family: decision.method,
            perVerdictAlpha: perVerdict,
            backend: results[0]?.backend,
            passed: decision.passed,
            cases: results.map((r) => ({
              name: r.name,
              seconds: r.seconds,
              verdicts: Object.fromEntries(
                decision.members
                  .filter((m) => m.case === r.name)
                  .map((m) => [m.kernel, { ...m.verdict, extrapolated: undefined, extrapolatedSE: undefined, holmAdjustedP: m.adjusted, familyRejected: m.rejected }]),
              ),
              rates: r.rates,
            })),
            training: decision.extra.map((m) => ({ case: m.case, label: m.label, ...m.verdict, extrapolated: undefined, extrapolatedSE: undefined, holmAdjustedP: m.adjusted, familyRejected: m.rejected, status: m.status })),
          }),
        );
      else {
        if (results.length || !trained.length) console.log(formatVerdictTable(results, decision, perVerdict));
        if (trained.length) console.log(formatTrainingTable(decision, trained));
      }
      process.exitCode = decision.passed ? 0 : 1;
      await afterValidate(o, cases, results, decision);
    });

  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof SpecError || e instanceof KernelError || e instanceof BackendError) {
      console.error(`error: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    // Anything else is reported in one line too; INFINITE_ATTENTION_DEBUG=1 shows the stack.
    if (e instanceof Error && !process.env.INFINITE_ATTENTION_DEBUG) {
      console.error(`error: ${e.message}\n(set INFINITE_ATTENTION_DEBUG=1 for the stack trace)`);
      process.exitCode = 3;
      return;
    }
    throw e;
  }
}
