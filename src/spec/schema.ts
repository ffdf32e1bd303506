/**
 * Validation of user-facing JSON with valibot (the inputs here; each layer's spec schema lives in
 * its layer module and the network's in src/layers/parse.ts): strict objects (a typo in a key is an error),
 * defaults filled in, and every problem reported with its path (`layers[3].width`) and rule.
 */
import * as v from 'valibot';
import type { InputBatch, InputsSpec } from './types.ts';

export class SpecError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'SpecError';
  }
}

/** One problem on the same line; several, one per line. */
const oneOrMore = (lines: readonly string[]) => (lines.length === 1 ? ` ${lines[0]}` : `\n  ${lines.join('\n  ')}`);

/** A whole number ≥ 1 (a width, a head count), named in its message. */
export const width = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.finite(`${what} must be finite`),
    v.integer(`${what} must be a whole number`),
    v.minValue(1, `${what} must be at least 1`),
  );

/** A finite number ≥ 0 (a standard deviation, an ε). */
export const std = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.finite(`${what} must be finite`),
    v.minValue(0, `${what} must be non-negative`),
  );

/** A finite number > 0. */
export const positive = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.finite(`${what} must be finite`),
    v.check((x) => x > 0, `${what} must be positive`),
  );

function formatPath(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = formatPath(issue) || '(root)';
  if (issue.type === 'strict_object')
    return issue.input === undefined ? `${path}: is required` : `${path}: unknown key (check its spelling; docs/specs.md lists each layer's keys)`;
  const got = issue.kind === 'schema' && issue.type !== 'custom' ? ` (received ${issue.received})` : '';
  return `${path}: ${issue.message}${got}`;
}

/** Parses `value` with `schema`; a SpecError lists every bad path of it, one per line. */
export function parseWith<T>(schema: v.GenericSchema<unknown, T>, value: unknown, what: string): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const lines = result.issues.map(describeIssue);
  throw new SpecError(`invalid ${what}:${oneOrMore(lines)}`, lines);
}

const finiteNumber = v.pipe(v.number('must be a number'), v.finite('must be a finite number (NaN and Infinity are not allowed)'));

const inputsSchema = v.strictObject({
  inputs: v.pipe(
    v.array(
      v.pipe(v.array(v.pipe(v.array(finiteNumber, 'a position must be an array of channel values'), v.minLength(1, 'a position needs at least one channel')), 'an input must be an array of positions'), v.minLength(1, 'an input needs at least one position')),
      'inputs must be an array [M][T][d]',
    ),
    v.minLength(1, 'inputs must hold at least one input'),
  ),
  mask: v.optional(v.array(v.array(v.picklist([0, 1], 'mask entries must be 0 or 1'), 'a mask row must be an array'), 'mask must be an array [M][T]')),
});

/** Validates `{inputs, mask}` JSON and flattens it. Ragged arrays, bad masks and NaN are SpecErrors. */
export function parseInputs(value: unknown): InputBatch {
  const spec = parseWith(inputsSchema, value, 'inputs') as InputsSpec;
  const M = spec.inputs.length;
  const T = spec.inputs[0].length;
  const d = spec.inputs[0][0].length;
  const problems: string[] = [];
  spec.inputs.forEach((seq, m) => {
    if (seq.length !== T) problems.push(`inputs[${m}]: has ${seq.length} positions, inputs[0] has ${T} (ragged inputs: pad them and use a mask)`);
    seq.forEach((pos, t) => {
      if (pos.length !== d) problems.push(`inputs[${m}][${t}]: has ${pos.length} channels, inputs[0][0] has ${d}`);
    });
  });
  if (spec.mask) {
    if (spec.mask.length !== M) problems.push(`mask: has ${spec.mask.length} rows, inputs has ${M} inputs`);
    spec.mask.forEach((row, m) => {
      if (row.length !== T) problems.push(`mask[${m}]: has ${row.length} entries, inputs have ${T} positions`);
      else if (!row.some((b) => b === 1)) problems.push(`mask[${m}]: no valid position (every entry is 0)`);
    });
  }
  if (problems.length) throw new SpecError(`invalid inputs:${oneOrMore(problems)}`, problems);
  const x = new Float64Array(M * T * d);
  const mask = new Float64Array(M * T).fill(1);
  spec.inputs.forEach((seq, m) => seq.forEach((pos, t) => x.set(pos, (m * T + t) * d)));
  if (spec.mask) spec.mask.forEach((row, m) => row.forEach((b, t) => (mask[m * T + t] = b)));
  return { M, T, d, x, mask, masked: spec.mask !== undefined && mask.some((b) => b === 0) };
}

/**
 * The batch `computeKernel` and `estimate` run on: the flattened batch of `parseInputs` (or
 * `readInputs`) as it is, or raw `{inputs, mask}` JSON, which is validated and flattened here.
 */
export function inputBatchFrom(value: unknown): InputBatch {
  if (typeof value === 'object' && value !== null && 'inputs' in value) return parseInputs(value);
  const b = value as Partial<InputBatch> | null;
  const whole = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1;
  if (
    !b ||
    !whole(b.M) ||
    !whole(b.T) ||
    !whole(b.d) ||
    !(b.x instanceof Float64Array) ||
    !(b.mask instanceof Float64Array) ||
    b.x.length !== b.M! * b.T! * b.d! ||
    b.mask.length !== b.M! * b.T!
  )
    throw new SpecError('invalid inputs: expected the batch that parseInputs(json) or readInputs(file) returns, or the JSON { inputs: [M][T][d], mask?: [M][T] }');
  return b as InputBatch;
}
