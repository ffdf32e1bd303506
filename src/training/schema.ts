/**
 * Validation of the training inputs (valibot, as src/spec/schema.ts): targets, test files,
 * learning rate, steps and ridge. Every problem is reported with its path and rule, e.g.
 * `targets[3]: must be a finite number (received "NaN")`, `steps[2]: steps must increase (10 then 10)`,
 * and surfaces as a TrainingInputError (a SpecError: the CLI exits 2).
 */
import * as v from 'valibot';
import { parseInputs } from '../spec/schema.ts';
import type { InputBatch } from '../spec/types.ts';
import { TrainingInputError, type Step } from './predict.ts';

const finite = v.pipe(v.number('must be a finite number'), v.finite('must be a finite number (NaN and Infinity are not allowed)'));
const targetList = v.pipe(v.array(finite, 'targets must be an array of numbers, or {"targets": [...]}'), v.minLength(1, 'targets must hold at least one number'));

function pathOf(issue: v.BaseIssue<unknown>, root: string): string {
  let out = root;
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  }
  return out;
}

function fail(what: string, issues: readonly v.BaseIssue<unknown>[], root: string, received?: (i: v.BaseIssue<unknown>) => string | null): never {
  const lines = issues.map((i) => {
    const got = received ? received(i) : i.kind === 'schema' && i.type !== 'custom' ? i.received : null;
    return `${pathOf(i, root)}: ${i.message}${got !== null ? ` (received ${got})` : ''}`;
  });
  throw new TrainingInputError(`invalid ${what}:\n  ${lines.join('\n  ')}`, lines);
}

/**
 * Targets as an array of numbers or `{"targets": [...]}`, one per input: `expected` is the number
 * of inputs they belong to (the count must match).
 */
export function parseTargets(value: unknown, expected: number | null, what = 'targets'): Float64Array {
  const wrapped = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (wrapped) {
    const extra = Object.keys(value).filter((k) => k !== 'targets');
    if (extra.length || !('targets' in value))
      throw new TrainingInputError(`invalid ${what}:\n  ${what}: expected an array of numbers or {"targets": [...]}, got an object with keys ${JSON.stringify(Object.keys(value))}`);
  }
  const r = v.safeParse(targetList, wrapped ? (value as { targets: unknown }).targets : value);
  if (!r.success) fail(what, r.issues, what);
  const list = r.output;
  if (expected !== null && list.length !== expected)
    throw new TrainingInputError(`${what}: ${list.length} targets for ${expected} inputs (one target per input, in the inputs' order)`);
  return Float64Array.from(list);
}

/** A test file: inputs JSON ({inputs, mask?}) that may also carry `targets` for the test error. */
export function parseTestFile(value: unknown): { inputs: InputBatch; targets: Float64Array | null } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { inputs: parseInputs(value), targets: null };
  const { targets, ...rest } = value as Record<string, unknown>;
  const inputs = parseInputs(rest);
  return { inputs, targets: targets === undefined ? null : parseTargets(targets, inputs.M, 'test targets') };
}

const stepSchema = v.custom<number>((x) => x === Infinity || (typeof x === 'number' && Number.isInteger(x) && x >= 0), 'a step must be a whole number ≥ 0 or inf');
const stepsSchema = v.pipe(
  v.array(stepSchema, 'steps must be a list such as 0,10,100,inf'),
  v.minLength(1, 'at least one step is needed'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const s = dataset.value;
    for (let i = 1; i < s.length; i++)
      if (!(s[i] > s[i - 1]))
        addIssue({
          message: `steps must increase (${s[i - 1]} then ${s[i]})`,
          path: [{ type: 'array', origin: 'value', input: s, key: i, value: s[i] }],
        });
  }),
);

/** Steps from `0,10,100,inf` (a string) or a JSON array (numbers, "inf"); increasing, whole, ≥ 0. */
export function parseSteps(value: string | readonly unknown[], what = 'steps'): Step[] {
  const raw = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : [...value];
  const numbers = raw.map((s) => (s === 'inf' || s === '∞' || s === 'Infinity' ? Infinity : typeof s === 'string' && s !== '' ? Number(s) : s));
  const r = v.safeParse(stepsSchema, numbers);
  if (!r.success)
    fail(what, r.issues, what, (i) => {
      const k = (i.path?.[0] as { key?: unknown } | undefined)?.key;
      return i.type === 'custom' && typeof k === 'number' ? JSON.stringify(raw[k]) : null;
    });
  return r.output;
}

const lrSchema = v.pipe(v.number('the learning rate must be a number'), v.finite('the learning rate must be finite'), v.check((x) => x > 0, 'the learning rate η must be > 0'));
const ridgeSchema = v.pipe(v.number('the ridge must be a number'), v.finite('the ridge must be finite'), v.minValue(0, 'the ridge λ must be ≥ 0'));

const numberFrom = (value: string | number) => (typeof value === 'string' ? (value.trim() === '' ? NaN : Number(value)) : value);

export function parseLearningRate(value: string | number, what = 'lr'): number {
  if (typeof value === 'string' && Number.isNaN(numberFrom(value))) throw new TrainingInputError(`invalid ${what}:\n  ${what}: the learning rate must be a number, got ${JSON.stringify(value)}`);
  const r = v.safeParse(lrSchema, numberFrom(value));
  if (!r.success) fail(what, r.issues, what);
  return r.output;
}

export function parseRidge(value: string | number, what = 'ridge'): number {
  if (typeof value === 'string' && Number.isNaN(numberFrom(value))) throw new TrainingInputError(`invalid ${what}:\n  ${what}: the ridge must be a number, got ${JSON.stringify(value)}`);
  const r = v.safeParse(ridgeSchema, numberFrom(value));
  if (!r.success) fail(what, r.issues, what);
  return r.output;
}
