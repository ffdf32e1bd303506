/**
 * Training cases in suite files (the `training` list of a suite, next to its kernel `cases`):
 * what `validate` runs besides the kernel cases, and what suites/training.test.ts runs.
 *
 *   { "name": "mlp-gd", "spec": "../specs/x.json" | {...},
 *     "task": { "inputs": FILE|{...}, "targets": FILE|[...], "test": FILE|{...} }
 *           | { "sequence": { "seed": 1, "train": 6, "test": 3, "minLength": 2, "maxLength": 4, "channels": 3 } },
 *     "mode": "all" | "readout", "lr": 0.5, "ridge": 0, "steps": [0, 4, "inf"],
 *     "scales": [1, 2, 4], "scaleHeads": false, "networks": 128, "seed": 1, "probe": [0, 1, 5] }
 *
 * Errors name the case's path in the suite (`training[2].lr: …`).
 */
import { dirname, resolve } from 'node:path';
import * as v from 'valibot';
import { parseInputs, SpecError } from '../spec/schema.ts';
import { parseNetworkSpec } from '../layers/parse.ts';
import { readJson, readSpec } from '../io.ts';
import { sequenceTask } from '../tasks/sequence.ts';
import type { TrainingTask } from './task.ts';
import type { TrainingCaseDefinition } from './case.ts';
import { parseLearningRate, parseRidge, parseSteps, parseTargets, parseTestFile } from './schema.ts';

const fileOr = v.union([v.pipe(v.string(), v.minLength(1)), v.record(v.string(), v.unknown()), v.array(v.unknown())], 'a file path (relative to the suite) or inline JSON');
const whole = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min));

const sequenceSchema = v.strictObject({
  seed: whole(1),
  train: whole(1),
  test: whole(1),
  minLength: whole(1),
  maxLength: whole(1),
  channels: whole(1),
  noise: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
});

export const trainingCaseSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1)),
  spec: v.union([v.string(), v.record(v.string(), v.unknown())]),
  task: v.union([v.strictObject({ inputs: fileOr, targets: fileOr, test: fileOr }), v.strictObject({ sequence: sequenceSchema })], 'task must be {"inputs", "targets", "test"} or {"sequence": {...}}'),
  mode: v.optional(v.picklist(['all', 'readout'], 'mode must be "all" or "readout"'), 'all'),
  lr: v.number(),
  ridge: v.optional(v.number(), 0),
  steps: v.array(v.union([v.number(), v.string()])),
  scales: v.pipe(
    v.array(v.pipe(v.number(), v.finite(), v.minValue(0.01))),
    v.check((s) => new Set(s).size === s.length && s.length >= 3, 'scales must hold at least three distinct width factors (to fit and test the 1/width bias model)'),
  ),
  scaleHeads: v.optional(v.boolean(), false),
  networks: whole(2),
  seed: v.optional(whole(1), 1),
  probe: v.optional(v.array(whole(0))),
  precision: v.optional(v.pipe(v.number(), v.check((x) => x > 0, 'precision must be > 0'))),
});

const listSchema = v.looseObject({ training: v.optional(v.array(v.unknown())) });

/**
 * Runs `f`; a SpecError it throws is re-thrown with every issue under `where.what` (an issue that
 * already starts with `what`, e.g. `steps[2]: …`, keeps its own index).
 */
function prefixed<T>(where: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    const lines = e.issues.map((l) => (l.startsWith(what) ? `${where}.${l}` : `${where}.${what}: ${l}`));
    throw new SpecError(lines.length === 1 ? lines[0] : `invalid training case:\n  ${lines.join('\n  ')}`, lines);
  }
}

/** A training task from files or inline JSON, or generated (src/tasks/sequence.ts). */
export function loadTask(task: v.InferOutput<typeof trainingCaseSchema>['task'], dir: string, where: string): TrainingTask {
  if ('sequence' in task) {
    const s = sequenceTask(task.sequence);
    return { train: parseInputs(s.train), test: parseInputs(s.test), targets: Float64Array.from(s.targets), testTargets: Float64Array.from(s.testTargets) };
  }
  const load = (x: unknown, what: string) => (typeof x === 'string' ? readJson(resolve(dir, x), what) : x);
  const at = <T>(what: string, f: () => T): T => prefixed(`${where}.task`, what, f);
  const train = at('inputs', () => parseInputs(load(task.inputs, 'inputs')));
  const test = at('test', () => parseTestFile(load(task.test, 'test inputs')));
  const targets = at('targets', () => parseTargets(load(task.targets, 'targets'), train.M));
  return { train, test: test.inputs, targets, testTargets: test.targets };
}

/** The training cases of a suite file ([] when it has none); `only` keeps the named ones. */
export function loadTrainingCases(path: string, only?: ReadonlySet<string>): TrainingCaseDefinition[] {
  const top = v.safeParse(listSchema, readJson(path, 'suite'));
  if (!top.success || !top.output.training) return [];
  const dir = dirname(path);
  return top.output.training.flatMap((raw, i) => {
    const where = `training[${i}]`;
    const r = v.safeParse(trainingCaseSchema, raw);
    if (!r.success) throw new SpecError(`${path}: invalid suite:\n  ${r.issues.map((x) => `${where}.${v.getDotPath(x) ?? ''}: ${x.message}`).join('\n  ')}`);
    const c = r.output;
    if (only && !only.has(c.name)) return [];
    const named = <T>(what: string, f: () => T): T => prefixed(`${path}: ${where}`, what, f);
    return [
      {
        name: c.name,
        spec: named('spec', () => (typeof c.spec === 'string' ? readSpec(resolve(dir, c.spec)) : parseNetworkSpec(c.spec))),
        task: loadTask(c.task, dir, `${path}: ${where}`),
        mode: c.mode,
        lr: named('lr', () => parseLearningRate(c.lr)),
        ridge: named('ridge', () => parseRidge(c.ridge)),
        steps: named('steps', () => parseSteps(c.steps)),
        scales: c.scales,
        scaleHeads: c.scaleHeads,
        networks: c.networks,
        seed: c.seed,
        probe: c.probe,
        precision: c.precision,
      },
    ];
  });
}
