/** The `infinite-attention` command line. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { readInputs, readJson, readSpec } from '../io.ts';
import { toNestedOrNull } from '../results/schema.ts';
import { computeKernel, precisionNote } from '../pipeline/kernel.ts';
import { estimate } from '../estimators/ensemble.ts';
import type { BackendChoice } from '../backend.ts';
import { loadSuite } from '../validation/suite.ts';
import { runCase, type CaseResult } from '../validation/case.ts';
import { isSequential, runCaseSequential } from '../validation/sequential.ts';
import { decideSuite, verdictCount } from '../validation/family.ts';
import { holmWorstCaseLevel } from '../verdicts/holmFamily.ts';
import { headLimitLayers, describeHeadLimits } from '../layers/heads.ts';
import { formatMatrix, formatVerdictTable } from './format.ts';
import { registerCommands } from './commands/index.ts';
import { addValidateExtras, afterValidate } from './commands/validateExtras.ts';
import { mergeShards, parseShard, runShard, shardName, type MergedEstimate, type ShardFile } from '../estimators/shards.ts';
import { estimateParallel } from '../estimators/parallel.ts';
import { createProgress } from './commands/progress.ts';
import { backendOption, duration, positive, positiveInt, powerOptions, probability } from './options.ts';
import { describeError, EXIT, UsageError, verdictExit } from './errors.ts';
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
    console.log(JSON.stringify({ ...rest, nngp: toNestedOrNull(nngp, P), nngpSE: toNestedOrNull(nngpSE, P), ntk: toNestedOrNull(ntk, P), ntkSE: toNestedOrNull(ntkSE, P) }));
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

const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;

/** `--shard i/n` as commander parses it: a bad string is a usage error naming the option. */
const shardOption = (text: string) => {
  try {
    return parseShard(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

export function buildProgram(): Command {
  const program = new Command('infinite-attention')
    .description('Finite attention networks against their infinite-width NNGP and NTK kernels')
    .version(version, '-V, --version', 'print the version')
    .showSuggestionAfterError()
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', '\nExit codes: 0 passed, 1 a verdict, claim or composition failed (or was inconclusive under --require-power),\n2 usage or input error, 3 internal error, 130 interrupted.');

  program
    .command('kernel')
    .description('analytic NNGP and NTK (float64): M×M after pooling, else (M·T)×(M·T)')
    .requiredOption('--spec <file>', 'network spec JSON {"layers": [...]}')
    .requiredOption('--inputs <file>', 'inputs JSON {"inputs": [M][T][d], "mask"?: [M][T]}')
    .option('--precision <p>', 'target relative standard error of sampled (sqrt softmax) attention kernels: largest SE / mean diagonal', positive('--precision'), 0.01)
    .option('--time-budget <s>', 'seconds the sampling may take; where they run out the output says the precision was not reached', positive('--time-budget'), 120)
    .option('--max-samples <n>', 'cap on the logit draws over all replicas (default: none)', positiveInt('--max-samples', 16))
    .addOption(new Option('--sampling <method>', 'how sampled kernels integrate over the logits: rows (quasi-random, per entry), antithetic (draws Z and −Z) or plain draws').choices(['rows', 'antithetic', 'plain']).default('rows'))
    .option('--seed <s>', "seed of the kernel's own sampling (sqrt softmax attention)", positiveInt('--seed', 1), 1)
    .option('--json', 'print JSON (progress on stderr as JSON lines)')
    .option('--quiet', 'no progress output')
    .action((o) => {
      const spec = readSpec(o.spec);
      const batch = readInputs(o.inputs);
      const progress = createProgress({ quiet: o.quiet, json: o.json });
      // SE ∝ 1/√samples, so the samples still needed are (precision reached / target)² times those drawn.
      const k = computeKernel(spec, batch, {
        precision: o.precision,
        seed: o.seed,
        timeBudget: o.timeBudget,
        maxSamples: o.maxSamples,
        sampling: o.sampling,
        onProgress: (samples, p) => progress.update(Math.min(1, (o.precision / p) ** 2), `${samples} logit samples, relative SE ${p.toExponential(2)}`),
      });
      progress.stop();
      const note = precisionNote(k);
      if (!k.reached) console.error(`warning: ${note}`);
      const sampling = k.limitedBy === null ? null : { samples: k.samples, precision: k.precision, targetPrecision: k.targetPrecision, reached: k.reached, limitedBy: k.limitedBy, seDof: k.seDof, note };
      const limits = headLimitLayers(spec);
      const P = k.M * k.T;
      const out = {
        M: k.M,
        T: k.T,
        nngp: toNestedOrNull(k.nngp, P),
        ntk: toNestedOrNull(k.ntk, P),
        nngpSE: toNestedOrNull(k.nngpSE, P),
        ntkSE: toNestedOrNull(k.ntkSE, P),
        samples: k.samples,
        sampling,
        seconds: k.seconds,
        // Where the kernel is the H → ∞ limit rather than the mean of networks at the spec's heads (src/layers/heads.ts).
        exactAtSpecHeads: limits.length === 0,
        headLimit: limits,
      };
      if (o.json) console.log(JSON.stringify(out));
      else {
        console.log(k.limitedBy === null ? 'closed form (no sampled layer)' : `sampled: ${note}`);
        console.log(`NNGP (${P}×${P})${k.nngpSE ? ' ± Monte-Carlo SE' : ''}`);
        console.log(formatMatrix(k.nngp, P, k.nngpSE));
        console.log(`NTK (${P}×${P})${k.ntkSE ? ' ± Monte-Carlo SE' : ''}`);
        console.log(formatMatrix(k.ntk, P, k.ntkSE));
        for (const line of describeHeadLimits(limits)) console.log(`note: ${line}`);
      }
    });

  program
    .command('estimate')
    .description('Monte-Carlo NNGP and NTK over an ensemble of finite networks (float32 sampling, float64 accumulation)')
    .requiredOption('--spec <file>', 'network spec JSON')
    .requiredOption('--inputs <file>', 'inputs JSON')
    .option('--networks <N>', 'networks in the ensemble', positiveInt('--networks', 2), 256)
    .option('--seed <s>', 'run seed (≥ 1); the same seed gives the same numbers', positiveInt('--seed', 1), 1)
    .option('--no-ntk', 'skip the NTK')
    .option('--no-nngp', 'skip the NNGP')
    .option(
      '--shard <i/n>',
      'run only shard i of n (1 ≤ i ≤ n): the networks go in blocks of 64, and shard i takes blocks i, i+n, i+2n, … (numbered from 1); write it with --out',
      shardOption,
    )
    .option('--out <file>', 'with --shard: the shard file to write (merge shards with `infinite-attention merge`)')
    .option('--workers <k>', 'spread the networks over k worker threads (bit-identical to one thread)', positiveInt('--workers', 1), 1)
    .option('--chunk <n>', 'networks per tensor batch (default: 1 on wasm, where only unbatched products are fast; larger elsewhere)', positiveInt('--chunk', 1))
    .option('--no-preactivations', 'draw every weight of the NNGP networks instead of sampling hidden pre-activations given their inputs (same law; docs/estimators.md)')
    .addOption(backendOption())
    .option('--json', 'print JSON (progress on stderr as JSON lines)')
    .option('--quiet', 'no progress output')
    .action(async (o) => {
      const spec = readSpec(o.spec);
      const batch = readInputs(o.inputs);
      if (o.shard !== undefined && !o.out) throw new UsageError('--shard needs --out FILE for the shard file');
      if (o.out !== undefined && o.shard === undefined) throw new UsageError('--out writes a shard file: give --shard i/n too');
      const progress = createProgress({ quiet: o.quiet, json: o.json });
      const common = {
        networks: o.networks,
        seed: o.seed,
        nngp: o.nngp,
        ntk: o.ntk,
        chunk: o.chunk,
        preactivations: o.preactivations as boolean,
        backend: o.backend as BackendChoice,
        onProgress: (d: number, t: number) => progress.update(d / t, `${d}/${t} networks`),
      };
      if (o.shard !== undefined) {
        const file = await runShard(spec, batch, { ...common, shard: o.shard });
        writeFileSync(o.out, JSON.stringify(file));
        progress.stop();
        progress.log(`wrote ${file.blocks.length} block(s) of 64 networks, shard ${shardName(o.shard)}, to ${o.out}`);
        return;
      }
      const r = o.workers > 1 ? fromMerged(await estimateParallel(spec, batch, { ...common, workers: o.workers })) : await estimate(spec, batch, common);
      progress.stop();
      printEstimate(r, o.json);
    });

  program
    .command('merge')
    .description('combine shard files into the result of the unsharded run (bit-identical)')
    .argument('<files...>', 'shard files written by `estimate --shard i/n --out FILE`')
    .option('--json', 'print JSON')
    .action((files: string[], o) => {
      const merged = mergeShards(
        files.map((f) => readJson(f, 'shard') as ShardFile),
        files,
      );
      printEstimate({ ...fromMerged({ ...merged, seconds: 0 }), backend: merged.backends.join('+') }, o.json);
    });

  const validate = program
    .command('validate')
    .description('run a validation suite (default: the suite shipped in fixtures/) and print a verdict table; exit 1 on any failure')
    .option('--suite <file>', 'suite JSON', defaultSuite)
    .option('--alpha <a>', 'family-wise false-positive rate of the whole suite (Holm over its verdicts)', probability('--alpha'), 1e-3)
    .option('--only <names>', 'comma-separated case names to run')
    .addOption(powerOptions()[0])
    .addOption(powerOptions()[1])
    .option(
      '--target-error <e>',
      'sequential: double the networks of each case until every verdict detects a uniform relative kernel error of e (e.g. 0.02); the repeated looks spend the level (docs/verdicts.md); a verdict that does not reach e is inconclusive',
      probability('--target-error'),
    )
    .option('--budget <time>', 'with --target-error: wall time for the kernel cases (90s, 10m, 1.5h), shared out over the cases still to run', duration('--budget'))
    .addOption(backendOption())
    .option('--json', 'print JSON (progress on stderr as JSON lines)')
    .option('--quiet', 'no progress output')
    .action(async (o) => {
      if (o.budget !== undefined && o.targetError === undefined) throw new UsageError('--budget limits a sequential run: give --target-error too');
      if (o.targetError !== undefined && o.maxDetectable !== undefined)
        throw new UsageError('--target-error already makes a verdict that cannot detect that error inconclusive: drop --max-detectable');
      let cases = loadSuite(o.suite);
      let training = loadTrainingCases(o.suite);
      if (o.only !== undefined) {
        const want = String(o.only)
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== '');
        const names = [...cases.map((c) => c.name), ...training.map((c) => c.name)];
        const unknown = want.filter((n) => !names.includes(n));
        if (want.length === 0 || unknown.length)
          throw new UsageError(`--only: ${want.length ? `no case ${unknown.map((n) => JSON.stringify(n)).join(', ')} in` : 'no case names given for'} ${o.suite}; its cases: ${names.join(', ')}`);
        cases = cases.filter((c) => want.includes(c.name));
        training = training.filter((c) => want.includes(c.name));
      }
      // Each verdict states its power at Holm's worst-case level α/k; the family decides at α.
      const perVerdict = holmWorstCaseLevel(o.alpha, verdictCount(cases) + trainingVerdictCount(training));
      const progress = createProgress({ quiet: o.quiet, json: o.json });
      const results: CaseResult[] = [];
      const units = cases.length + training.length;
      const started = performance.now();
      for (const [i, c] of cases.entries()) {
        const onProgress = (label: string, f: number) => progress.update((i + (f ?? 0)) / units, label);
        if (o.targetError === undefined) {
          results.push(await runCase(c, { alpha: perVerdict, backend: o.backend as BackendChoice, maxDetectable: o.maxDetectable, onProgress }));
          continue;
        }
        const left = o.budget === undefined ? undefined : o.budget - (performance.now() - started) / 1000;
        results.push(
          await runCaseSequential(c, {
            alpha: perVerdict,
            backend: o.backend as BackendChoice,
            targetError: o.targetError,
            budgetSeconds: left === undefined ? undefined : Math.max(0, left) / (cases.length - i),
            onProgress,
          }),
        );
      }
      const trained = await runTrainingCases(training, {
        alpha: perVerdict,
        backend: o.backend as BackendChoice,
        onProgress: (label: string) => progress.update(cases.length / units, label),
      });
      progress.stop();
      const decision = decideSuite(results, o.alpha, trainingExtras(trained));
      // Nothing passes on nothing: a run without a single verdict is not a pass.
      if (decision.members.length + decision.extra.length === 0) throw new UsageError(`${o.suite}: the cases run gave no verdict (every case has "checks": [])`);
      const failed = [...decision.members, ...decision.extra].filter((m) => m.rejected).length;
      if (o.json)
        console.log(
          JSON.stringify({
            alpha: o.alpha,
            family: decision.method,
            perVerdictAlpha: perVerdict,
            maxDetectable: o.maxDetectable ?? null,
            targetError: o.targetError ?? null,
            budgetSeconds: o.budget ?? null,
            requirePower: Boolean(o.requirePower),
            backend: results[0]?.backend,
            passed: decision.passed,
            failed,
            inconclusive: decision.inconclusive,
            cases: results.map((r) => ({
              name: r.name,
              seconds: r.seconds,
              verdicts: Object.fromEntries(
                decision.members
                  .filter((m) => m.case === r.name)
                  .map((m) => [m.kernel, { ...m.verdict, extrapolated: undefined, extrapolatedSE: undefined, status: m.status, holmAdjustedP: m.adjusted, familyRejected: m.rejected }]),
              ),
              rates: r.rates,
              ...(isSequential(r) ? { looks: r.looks, stopped: r.stopped } : {}),
            })),
            training: decision.extra.map((m) => ({ case: m.case, label: m.label, ...m.verdict, extrapolated: undefined, extrapolatedSE: undefined, holmAdjustedP: m.adjusted, familyRejected: m.rejected, status: m.status })),
          }),
        );
      else {
        if (results.length || !trained.length) console.log(formatVerdictTable(results, decision, perVerdict, { requirePower: Boolean(o.requirePower) }));
        if (trained.length) console.log(formatTrainingTable(decision, trained));
      }
      // Nor on verdicts that all stayed inconclusive: a run that decided nothing exits 1.
      const decided = decision.members.length + decision.extra.length - decision.inconclusive;
      if (decided === 0 && !o.json) console.log(`INCONCLUSIVE: none of the ${decision.inconclusive} verdicts could decide; nothing passes on nothing`);
      process.exitCode = decided === 0 ? EXIT.failed : verdictExit(failed, decision.inconclusive, Boolean(o.requirePower));
      await afterValidate(o, cases, results, decision);
    });
  addValidateExtras(validate);

  registerCommands(program);
  return program;
}

/** Every command and subcommand throws commander's errors to main() instead of exiting. */
function throwUsageErrors(c: Command): void {
  c.exitOverride();
  // main() prints one line per error; commander prints help and the version itself.
  c.configureOutput({ outputError: () => {} });
  for (const sub of c.commands) throwUsageErrors(sub);
}

let pipesGuarded = false;
/**
 * `infinite-attention … | head` closes stdout early. The verdicts decide the exit status, not the
 * reader: later writes are dropped and the command runs to its end (set -o pipefail sees its code).
 */
function guardClosedPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
}

/** Runs the command line; sets and returns the exit code (src/cli/errors.ts). */
export async function main(argv: string[]): Promise<number> {
  guardClosedPipes();
  process.exitCode = undefined;
  const program = buildProgram();
  throwUsageErrors(program);
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? EXIT.passed);
  } catch (e) {
    const { code, line } = describeError(e);
    if (code === EXIT.internal && process.env.INFINITE_ATTENTION_DEBUG) throw e;
    if (line !== null) console.error(line);
    process.exitCode = code;
    return code;
  }
}
