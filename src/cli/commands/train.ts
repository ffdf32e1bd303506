/**
 * `infinite-attention train`: finite networks trained by gradient descent (or their readout alone)
 * against the infinite-width prediction of f_t (docs/training.md), over a grid of attention
 * scalings and with and without positional embeddings; `--report DIR` writes the usual four
 * files. `infinite-attention task sequence` writes the seeded sequence task as input files.
 *
 * Exit status: 0 when every verdict and claim holds, 1 when one fails, 2 for bad input (a
 * SpecError: files, targets, η, steps, the stability limit).
 */
import { Command, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { readInputs, readJson, readSpec } from '../../io.ts';
import { backendChoices, type BackendChoice } from '../../backend.ts';
import { SpecError } from '../../spec/schema.ts';
import type { AttentionScaling } from '../../spec/types.ts';
import { holmWorstCaseLevel } from '../../verdicts/holmFamily.ts';
import { decideSuite } from '../../validation/family.ts';
import { analyticTraining, type AnalyticTraining } from '../../training/analytic.ts';
import { runTrainingCase, type TrainingCaseDefinition, type TrainingCaseResult } from '../../training/case.ts';
import { gridCase, gridConfigs } from '../../training/grid.ts';
import { parseLearningRate, parseRidge, parseSteps, parseTargets, parseTestFile } from '../../training/schema.ts';
import { formatTrainingTable, stepLabel, trainingExtras } from '../../training/validate.ts';
import type { TrainingTask } from '../../training/task.ts';
import { sequenceTask } from '../../tasks/sequence.ts';
import { commandLine, makeResults, stringifyResults } from '../../reports/results.ts';
import { trainClaims, trainConfigResult, trainVerdictChecks } from '../../reports/trainReport.ts';
import { stepToJSON, type TrainSection } from '../../results/trainSchema.ts';
import { writeReport } from '../../reports/write.ts';
import { createProgress } from './progress.ts';
import { textTable } from '../../format.ts';

const bad = (what: string, message: string): never => {
  throw new SpecError(`--${what}: ${message}`);
};

const wholeNumber = (what: string, text: string, min: number): number => {
  const n = Number(text);
  return Number.isInteger(n) && n >= min ? n : bad(what, `must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
};

const positiveList = (what: string, text: string): number[] => {
  const xs = text.split(',').map((s) => Number(s.trim()));
  if (xs.some((x) => !(x > 0 && Number.isFinite(x)))) bad(what, `must be positive numbers separated by commas, got ${JSON.stringify(text)}`);
  return xs;
};

interface TrainCliOptions {
  spec: string;
  inputs: string;
  targets: string;
  test: string;
  lr: string;
  steps: string;
  networks: string;
  readoutOnly?: boolean;
  ridge: string;
  widths: string;
  scalings?: string;
  ablatePosEmb?: boolean;
  time: string;
  seed: string;
  alpha: string;
  precision: string;
  probe?: string;
  workers: string;
  backend: BackendChoice;
  json?: boolean;
  quiet?: boolean;
  report?: string;
}

const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

function spectrumLine(name: string, a: AnalyticTraining, mode: string, lr: number): string {
  const s = a.spectrum;
  const kernel = a.kernel.samples ? `kernel sampled (${a.kernel.samples} logit draws, relative SE ${a.kernel.precision.toExponential(1)})` : 'kernel closed-form';
  return `${name}: λ_max(${mode === 'readout' ? 'K' : 'Θ'}) = ${s.max.toPrecision(4)}, λ_min = ${s.min.toPrecision(4)}, condition number ${Number.isFinite(s.condition) ? s.condition.toPrecision(3) : '∞ (singular: pseudo-inverse)'}, stability limit 2/λ_max = ${s.limit.toPrecision(4)} (η is ${(lr / s.limit).toFixed(2)} of it); ${kernel}`;
}

function predictionTable(task: TrainingTask, a: AnalyticTraining, ensembles?: TrainingCaseResult['ensembles']): string {
  const n = task.train.M;
  const y = (z: number) => (z < n ? task.targets[z] : task.testTargets ? task.testTargets[z - n] : NaN);
  const head = ['step', 'point', 'target', 'predicted μ ± sd', ...(ensembles ?? []).map((e) => `trained ×${e.scale} (mean ± SE)`)];
  const rows: string[][] = [];
  a.predictions.forEach((p, k) => {
    for (let z = 0; z < a.Q; z++)
      rows.push([
        stepLabel(p.step),
        z < n ? `train ${z}` : `test ${z - n}`,
        num(y(z)),
        `${num(p.mean[z])} ± ${num(Math.sqrt(Math.max(0, p.covariance[z * a.Q + z])))}`,
        ...(ensembles ?? []).map((e) => `${num(e.result.accumulators[k].outputs.mean[z])} ± ${num(e.result.accumulators[k].outputs.standardError()[z])}`),
      ]);
  });
  return textTable(head, rows).join('\n');
}

async function runTrain(o: TrainCliOptions): Promise<void> {
  const spec = readSpec(o.spec);
  const train = readInputs(o.inputs);
  const targets = parseTargets(readJson(o.targets, 'targets'), train.M);
  let testFile;
  try {
    testFile = parseTestFile(readJson(o.test, 'test inputs'));
  } catch (e) {
    if (e instanceof SpecError) throw new SpecError(`${o.test}: ${e.message}`, e.issues);
    throw e;
  }
  const task: TrainingTask = { train, test: testFile.inputs, targets, testTargets: testFile.targets };
  const lr = parseLearningRate(o.lr);
  const ridge = parseRidge(o.ridge);
  const steps = parseSteps(o.steps);
  const networks = wholeNumber('networks', o.networks, 0);
  if (networks === 1) bad('networks', 'must be 0 (prediction only) or at least 2 (standard errors need two networks)');
  const seed = wholeNumber('seed', o.seed, 1);
  const alpha = Number(o.alpha);
  if (!(alpha > 0 && alpha < 1)) bad('alpha', `must be a number in (0, 1), got ${JSON.stringify(o.alpha)}`);
  const precision = Number(o.precision);
  if (!(precision > 0)) bad('precision', `must be a positive number, got ${JSON.stringify(o.precision)}`);
  const workers = wholeNumber('workers', o.workers, 1);
  const time = o.time === 'discrete' || o.time === 'flow' ? o.time : bad('time', `must be discrete or flow, got ${JSON.stringify(o.time)}`);
  if (time === 'flow' && networks > 0) bad('time', 'gradient flow is a prediction only: the trained networks take discrete steps; use --networks 0 with --time flow');
  const widths = positiveList('widths', o.widths);
  if (networks > 0 && new Set(widths).size !== widths.length) bad('widths', 'width factors must be distinct');
  if (networks > 0 && widths.length < 3) bad('widths', `the verdicts fit and test the 1/width bias model, which needs at least three width factors; got ${widths.join(',')}`);
  const scalings = o.scalings?.split(',').map((s) => s.trim());
  if (scalings?.some((s) => s !== 'sqrt' && s !== 'linear')) bad('scalings', `must be sqrt, linear or both, got ${JSON.stringify(o.scalings)}`);
  const probe = o.probe?.split(',').map((s) => wholeNumber('probe', s.trim(), 0));
  const Q = train.M + task.test.M;
  if (probe?.some((z) => z >= Q)) bad('probe', `points are 0..${Q - 1} (the ${train.M} training inputs, then the ${task.test.M} test inputs)`);
  const mode = o.readoutOnly ? 'readout' : 'all';
  const configs = gridConfigs(spec, { scalings: (scalings as AttentionScaling[] | undefined) ?? null, ablatePosEmb: o.ablatePosEmb });
  const say = (line: string) => (o.json ? process.stderr.write(`${line}\n`) : console.log(line));
  const header = `${train.M} training and ${task.test.M} test inputs; ${mode === 'readout' ? 'the readout alone trained (NNGP posterior at t = ∞)' : 'every parameter trained (NTK dynamics)'}, η = ${lr}${ridge ? `, ridge λ = ${ridge}` : ''}, steps ${steps.map((t) => stepLabel(t).slice(2)).join(', ')}${time === 'flow' ? ' (gradient flow at time ηt)' : ''}`;

  if (networks === 0) {
    const out = configs.map((c) => ({ config: c, a: analyticTraining(c.spec, task, steps, { mode, lr, ridge, time }, { precision, seed }) }));
    if (o.json)
      console.log(
        JSON.stringify({
          mode,
          lr,
          ridge,
          time,
          steps: steps.map(stepToJSON),
          configs: out.map(({ config, a }) => ({
            name: config.name,
            spectrum: { ...a.spectrum, condition: Number.isFinite(a.spectrum.condition) ? a.spectrum.condition : null },
            kernelSamples: a.kernel.samples,
            predictions: a.predictions.map((p) => ({
              step: stepToJSON(p.step),
              mean: Array.from(p.mean),
              meanSE: p.meanSE ? Array.from(p.meanSE) : null,
              covariance: Array.from({ length: a.Q }, (_, i) => Array.from(p.covariance.subarray(i * a.Q, (i + 1) * a.Q))),
              trainError: p.errors.train,
              testError: p.errors.test,
            })),
          })),
        }),
      );
    else {
      say(`Prediction only (no networks): ${header}`);
      for (const { config, a } of out) {
        say(spectrumLine(config.name, a, mode, lr));
        say(predictionTable(task, a));
      }
    }
    return;
  }

  const perVerdict = holmWorstCaseLevel(alpha, configs.length * steps.length);
  const progress = createProgress({ quiet: o.quiet, json: o.json });
  const start = performance.now();
  const cases: TrainingCaseDefinition[] = [];
  const results: TrainingCaseResult[] = [];
  try {
    for (const [k, config] of configs.entries()) {
      const c = gridCase({ task, mode, lr, ridge, steps, scales: widths, networks, seed, probe, precision }, config);
      cases.push(c);
      results.push(
        await runTrainingCase(c, {
          alpha: perVerdict,
          backend: o.backend,
          workers,
          onProgress: (message) => {
            const m = /(\d+)\/(\d+) networks/.exec(message);
            progress.update((k + (m ? Number(m[1]) / Number(m[2]) / widths.length : 0)) / configs.length, message);
          },
        }),
      );
    }
  } finally {
    progress.stop();
  }
  const decision = decideSuite([], alpha, trainingExtras(results));
  const section: TrainSection = {
    spec,
    task: {
      inputs: relative(process.cwd(), o.inputs) || o.inputs,
      test: relative(process.cwd(), o.test) || o.test,
      n: train.M,
      q: task.test.M,
      T: Math.max(train.T, task.test.T),
      d: train.d,
      masked: train.masked || task.test.masked,
      targets: Array.from(targets),
      testTargets: task.testTargets ? Array.from(task.testTargets) : null,
    },
    config: { mode, lr, ridge, steps: steps.map(stepToJSON), widths, networks, seed, alpha, precision },
    configs: cases.map((c, k) => trainConfigResult(c, results[k], decision.extra.filter((m) => m.case === c.name), configs[k])),
  };
  const checks = [...trainVerdictChecks(section), ...trainClaims(section, alpha)];
  const results_ = makeResults({
    kind: 'train',
    title: `Training against the infinite-width prediction: ${configs.map((c) => c.name).join('; ')}`,
    command: commandLine(),
    backend: results[0]?.backend ?? 'none',
    complete: results.length === configs.length,
    seconds: (performance.now() - start) / 1000,
    checks,
    train: section,
  });
  const failed = checks.filter((c) => c.status === 'failed');
  if (o.json) console.log(stringifyResults(results_).trimEnd());
  else {
    say(header);
    results.forEach((r, k) => {
      say('');
      say(spectrumLine(configs[k].name, r.analytic, mode, lr) + (r.infinityStep !== null ? `; t = ∞ run as ${r.infinityStep} gradient steps` : ''));
      say(predictionTable(task, r.analytic, r.ensembles));
    });
    say('');
    say(formatTrainingTable(decision, results));
    const claims = checks.filter((c) => c.group === 'claims');
    if (claims.length) {
      say('');
      say('Claims (one-sided z-tests at α = ' + alpha + '):');
      for (const c of claims) say(`  ${c.status === 'passed' ? 'pass' : c.status === 'failed' ? 'FAIL' : 'skip'}  ${c.name}: ${c.message}`);
    }
    say('');
    say(`${checks.length - failed.length - checks.filter((c) => c.status === 'skipped').length} checks passed, ${failed.length} failed, ${checks.filter((c) => c.status === 'skipped').length} skipped; family-wise α = ${alpha} (${decision.method}).`);
  }
  if (o.report) {
    const w = await writeReport(resolve(o.report), results_);
    say(`report: ${resolve(w.dir, 'report.html')}`);
  }
  process.exitCode = failed.length ? 1 : 0;
}

export function trainCommand(): Command {
  return new Command('train')
    .description('train finite networks by gradient descent (or the readout alone) and test f_t against the infinite-width prediction (NTK dynamics / NNGP posterior)')
    .requiredOption('--spec <file>', 'network spec JSON; it must end in one output per input (pool before the readout)')
    .requiredOption('--inputs <file>', 'training inputs JSON {"inputs": [n][T][d], "mask"?}')
    .requiredOption('--targets <file>', 'one target per training input: [y, …] or {"targets": [y, …]}')
    .requiredOption('--test <file>', 'test inputs JSON; may carry "targets": [y, …] for the test error')
    .requiredOption('--lr <η>', 'learning rate η > 0, below the stability limit 2/λ_max (printed; --networks 0 shows it)')
    .option('--steps <list>', 'steps to record, increasing; inf = trained to convergence', '0,10,100,inf')
    .option('--networks <N>', 'networks per width factor; 0 = the prediction alone', '128')
    .option('--readout-only', 'train only the dense readout (closed form per network); its limit is the NNGP posterior')
    .option('--ridge <λ>', 'the loss gains ½λ‖θ − θ₀‖²', '0')
    .option('--widths <list>', 'width factors of the trained ensembles, at least three (heads grow too where attention is sqrt-scaled)', '1,2,4')
    .option('--scalings <list>', 'run every attention layer under these scalings, e.g. sqrt,linear (default: the spec\'s own)')
    .option('--ablate-pos-emb', 'also run the spec without its positional embeddings')
    .option('--time <model>', 'discrete (gradient descent) or flow (gradient flow at time ηt: prediction only, with --networks 0)', 'discrete')
    .option('--seed <s>', 'run seed (≥ 1)', '1')
    .option('--alpha <a>', 'family-wise α of the verdicts (Holm) and the level of each claim', '1e-3')
    .option('--precision <p>', 'target relative standard error of sampled (sqrt attention) kernels', '0.01')
    .option('--probe <list>', 'points the verdicts test (training inputs first, then test inputs); default all when ≤ 12, else 6 + 6')
    .option('--workers <k>', 'train each ensemble over k worker threads (bit-identical to one)', '1')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(backendChoices as string[]).default('auto'))
    .option('--json', 'print the results (the results.json format) as JSON')
    .option('--quiet', 'no progress output')
    .option('--report <dir>', 'also write report.md, report.html, results.json and junit.xml to DIR')
    .action((o: TrainCliOptions) => runTrain(o));
}

export function taskCommand(): Command {
  return new Command('task')
    .description('write a seeded synthetic task as input files for `train`')
    .argument('<kind>', 'sequence: variable-length Gaussian token sequences with an order-dependent target')
    .requiredOption('--out <dir>', 'directory for train.json, targets.json and test.json (with its targets)')
    .option('--seed <s>', 'seed (≥ 1)', '1')
    .option('--train <n>', 'training sequences', '16')
    .option('--test <n>', 'test sequences', '8')
    .option('--min-length <L>', 'shortest sequence', '2')
    .option('--max-length <L>', 'longest sequence (the padded length)', '6')
    .option('--channels <d>', 'channels per token', '4')
    .option('--noise <σ>', 'standard deviation of noise on the training targets', '0')
    .action((kind: string, o: Record<string, string>) => {
      if (kind !== 'sequence') throw new SpecError(`task: unknown kind ${JSON.stringify(kind)}; the only kind is sequence`);
      const noise = Number(o.noise);
      if (!(noise >= 0)) bad('noise', `must be a number ≥ 0, got ${JSON.stringify(o.noise)}`);
      const t = sequenceTask({
        seed: wholeNumber('seed', o.seed, 1),
        train: wholeNumber('train', o.train, 1),
        test: wholeNumber('test', o.test, 1),
        minLength: wholeNumber('min-length', o.minLength, 1),
        maxLength: wholeNumber('max-length', o.maxLength, Number(o.minLength) || 1),
        channels: wholeNumber('channels', o.channels, 1),
        noise,
      });
      mkdirSync(o.out, { recursive: true });
      writeFileSync(join(o.out, 'train.json'), JSON.stringify(t.train) + '\n');
      writeFileSync(join(o.out, 'targets.json'), JSON.stringify({ targets: t.targets }) + '\n');
      writeFileSync(join(o.out, 'test.json'), JSON.stringify({ ...t.test, targets: t.testTargets }) + '\n');
      console.log(`wrote ${join(o.out, 'train.json')}, targets.json, test.json (${t.options.train} training and ${t.options.test} test sequences, lengths ${t.options.minLength}–${t.options.maxLength}, ${t.options.channels} channels, seed ${t.options.seed})`);
    });
}
