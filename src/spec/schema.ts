/**
 * Validation of user-facing JSON with valibot: strict objects (a typo in a key is an error),
 * defaults filled in, and every problem reported with its path (`layers[3].width`) and rule.
 */
import * as v from 'valibot';
import type {
  ActivationName,
  AttentionSpec,
  InputBatch,
  InputsSpec,
  LayerSpec,
  NetworkSpec,
} from './types.ts';

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

const width = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.finite(`${what} must be finite`),
    v.integer(`${what} must be a whole number`),
    v.minValue(1, `${what} must be at least 1`),
  );

const std = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.finite(`${what} must be finite`),
    v.minValue(0, `${what} must be non-negative`),
  );

const positive = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.finite(`${what} must be finite`),
    v.check((x) => x > 0, `${what} must be positive`),
  );

const activationNames = ['relu', 'erf', 'abs', 'identity', 'gelu', 'tanh'] as const satisfies readonly ActivationName[];

const denseSchema = v.strictObject({
  type: v.literal('dense'),
  width: width('width'),
  wStd: v.optional(std('wStd'), 1),
  bStd: v.optional(std('bStd'), 0),
});

const activationSchemas = activationNames.map((name) => v.strictObject({ type: v.literal(name) }));

const layerNormSchema = v.strictObject({
  type: v.literal('layerNorm'),
  eps: v.optional(std('eps'), 1e-6),
});

const poolSchema = v.strictObject({ type: v.literal('globalAvgPool') });

const decaySchema = v.nullable(
  v.variant('kind', [
    v.strictObject({ kind: v.literal('exp'), scale: positive('decay.scale') }),
    v.strictObject({ kind: v.literal('inverse'), scale: positive('decay.scale') }),
    v.strictObject({ kind: v.literal('power'), exponent: positive('decay.exponent') }),
  ]),
);

const posEmbSchema = v.pipe(
  v.strictObject({
    type: v.picklist(['sum', 'concat'], 'posEmb.type must be "sum" or "concat"'),
    std: v.optional(std('posEmb.std'), 1),
    channels: v.optional(width('posEmb.channels')),
    decay: v.optional(decaySchema, null),
    p: v.optional(positive('posEmb.p'), 1),
    values: v.optional(v.boolean('posEmb.values must be true or false'), false),
    trainable: v.optional(v.boolean('posEmb.trainable must be true or false'), true),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const pe = dataset.value;
    if (pe.type === 'sum' && pe.channels !== undefined)
      addIssue({ message: 'posEmb.channels is only allowed with type "concat" (sum uses the input width)', path: undefined });
    if (pe.type === 'concat' && pe.channels === undefined)
      addIssue({ message: 'posEmb.channels (n_pe) is required with type "concat"' });
  }),
);

const attentionSchema = v.strictObject({
  type: v.literal('attention'),
  heads: width('heads'),
  keyWidth: width('keyWidth'),
  valueWidth: width('valueWidth'),
  outWidth: width('outWidth'),
  scaling: v.optional(v.picklist(['linear', 'sqrt'], 'scaling must be "linear" or "sqrt"'), 'sqrt'),
  mechanism: v.optional(
    v.picklist(['softmax', 'identity', 'relu', 'abs'], 'mechanism must be one of softmax, identity, relu, abs'),
    'softmax',
  ),
  wQStd: v.optional(std('wQStd'), 1),
  wKStd: v.optional(std('wKStd'), 1),
  wVStd: v.optional(std('wVStd'), 1),
  wOStd: v.optional(std('wOStd'), 1),
  bStd: v.optional(std('bStd'), 0),
  posEmb: v.optional(v.nullable(posEmbSchema), null),
});

const layerTypes = ['dense', ...activationNames, 'layerNorm', 'globalAvgPool', 'residual', 'attention'];

const layerSchema: v.GenericSchema<unknown, LayerSpec> = v.lazy((input) => {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  switch (type) {
    case 'dense':
      return denseSchema;
    case 'layerNorm':
      return layerNormSchema;
    case 'globalAvgPool':
      return poolSchema;
    case 'residual':
      return residualSchema;
    case 'attention':
      return attentionSchema;
    default: {
      const i = activationNames.indexOf(type as ActivationName);
      if (i >= 0) return activationSchemas[i];
      return v.custom<never>(
        () => false,
        typeof input !== 'object' || input === null
          ? 'a layer must be an object with a "type"'
          : `unknown layer type ${JSON.stringify(type)}; expected one of ${layerTypes.join(', ')}`,
      );
    }
  }
}) as v.GenericSchema<unknown, LayerSpec>;

const residualSchema = v.strictObject({
  type: v.literal('residual'),
  block: v.pipe(v.array(layerSchema, 'residual.block must be an array of layers'), v.minLength(1, 'residual.block must not be empty')),
});

const networkSchema = v.strictObject({
  layers: v.pipe(v.array(layerSchema, 'layers must be an array'), v.minLength(1, 'layers must not be empty')),
});

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

function parseWith<T>(schema: v.GenericSchema<unknown, T>, value: unknown, what: string): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const lines = result.issues.map(describeIssue);
  throw new SpecError(`invalid ${what}:${oneOrMore(lines)}`, lines);
}

/** Validates a network spec and fills in defaults. Throws SpecError naming every bad path. */
export function parseNetworkSpec(value: unknown): NetworkSpec {
  return parseWith(networkSchema, value, 'network spec') as NetworkSpec;
}

/** Validates one attention layer spec on its own (defaults filled in). */
export function parseAttentionSpec(value: unknown): AttentionSpec {
  return parseWith(attentionSchema, value, 'attention layer') as AttentionSpec;
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

const builtInTypes = new Set(layerTypes);

function parseLayerAt(value: unknown, path: string): LayerSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SpecError(`invalid network spec:\n  ${path}: a layer must be an object with a "type"`);
  const type = (value as { type?: unknown }).type;
  // A type registered at run time (registerLayer, check-layer): its own factory reads its spec.
  if (typeof type === 'string' && !builtInTypes.has(type)) return value as LayerSpec;
  if (type !== 'residual') {
    try {
      return parseWith(layerSchema, value, 'network spec');
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      const lines = e.issues.map((l) => (l.startsWith('(root)') ? path + l.slice('(root)'.length) : `${path}.${l}`));
      throw new SpecError(`invalid network spec:\n  ${lines.join('\n  ')}`, lines);
    }
  }
  // A residual block may hold registered types too, so it is walked here rather than by residualSchema.
  const { block, ...rest } = value as { block?: unknown };
  const extra = Object.keys(rest).filter((k) => k !== 'type');
  if (extra.length) throw new SpecError(`invalid network spec:\n  ${path}.${extra[0]}: unknown key (check its spelling; docs/specs.md lists each layer's keys)`);
  if (!Array.isArray(block) || block.length === 0) throw new SpecError(`invalid network spec:\n  ${path}.block: residual.block must be a non-empty array of layers`);
  return { type: 'residual', block: block.map((l, i) => parseLayerAt(l, `${path}.block[${i}]`)) };
}

/**
 * The spec `computeKernel` and `estimate` run on, whether they were handed `parseNetworkSpec`'s
 * result or the raw JSON: built-in layers are validated and get their defaults (parsing a parsed
 * spec returns the same spec); a layer whose type was registered at run time passes through as given.
 */
export function networkSpecFrom(value: unknown): NetworkSpec {
  const layers = (value as { layers?: unknown } | null)?.layers;
  if (typeof value !== 'object' || value === null || !Array.isArray(layers) || layers.length === 0)
    throw new SpecError('invalid network spec: expected { layers: [...] } with at least one layer (parseNetworkSpec(json), or the builder: network(dense(8), relu(), …))');
  const extra = Object.keys(value).filter((k) => k !== 'layers');
  if (extra.length) throw new SpecError(`invalid network spec:\n  ${extra[0]}: unknown key (a spec is { layers: [...] })`);
  return { layers: layers.map((l, i) => parseLayerAt(l, `layers[${i}]`)) };
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
