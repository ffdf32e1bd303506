/**
 * A synthetic sequence regression task made from a seed: variable-length sequences of Gaussian
 * tokens (padded to one length, with a mask) and a target that depends on the ORDER of the tokens,
 * so that a model that sees only the multiset of tokens (attention and pooling without positional
 * information are permutation invariant) cannot fit it, while one with positional embeddings can.
 *
 * For a sequence x_0 … x_{L−1} (L drawn uniformly from [minLength, maxLength], padded to
 * T = maxLength):
 *
 *   y = Σ_{t<L} c_t ⟨x_t, u⟩ / √(Σ_{t<L} c_t²),   c_t = cos(π t/(T − 1))   (c_0 = 1 for T = 1)
 *
 * with u a fixed random unit direction. The weights depend on the absolute position, from +1 at
 * the first position to −1 at the last one a sequence can reach: reversing a full-length sequence
 * flips the sign of its target, and any other permutation of its tokens changes it. Var y = 1
 * (before optional noise). Absolute positions because that is what a positional embedding shared
 * by all inputs encodes: with weights relative to each sequence's own length, kernel regression
 * with and without embeddings did equally badly at the sizes we tried (docs/training.md).
 * Everything is drawn from keyed streams (src/random/normals.ts): the same options give the same
 * task on every machine.
 */
import type { InputsSpec } from '../spec/types.ts';
import { fillNormals, uniformStream } from '../random/normals.ts';

export interface SequenceTaskOptions {
  readonly seed: number;
  /** Training sequences. */
  readonly train: number;
  /** Test sequences. */
  readonly test: number;
  readonly minLength: number;
  readonly maxLength: number;
  /** Channels per token. */
  readonly channels: number;
  /** Standard deviation of Gaussian noise added to the training targets (default 0). */
  readonly noise?: number;
}

export interface SequenceTask {
  readonly train: InputsSpec & { readonly mask: number[][] };
  readonly test: InputsSpec & { readonly mask: number[][] };
  readonly targets: number[];
  readonly testTargets: number[];
  /** The unit direction u of the target. */
  readonly direction: number[];
  /** The options that made it, for the record. */
  readonly options: Required<SequenceTaskOptions>;
}

function check(o: SequenceTaskOptions): void {
  const whole = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`sequence task: ${name} must be a whole number ≥ ${min}, got ${v}`);
  };
  whole('seed', o.seed, 1);
  whole('train', o.train, 1);
  whole('test', o.test, 1);
  whole('minLength', o.minLength, 1);
  whole('maxLength', o.maxLength, o.minLength);
  whole('channels', o.channels, 1);
  if (o.noise !== undefined && !(o.noise >= 0 && Number.isFinite(o.noise))) throw new RangeError(`sequence task: noise must be a finite number ≥ 0, got ${o.noise}`);
}

/** The order weights c_t over the T positions a sequence can reach. */
export function orderWeights(T: number): number[] {
  return Array.from({ length: T }, (_, t) => (T === 1 ? 1 : Math.cos((Math.PI * t) / (T - 1))));
}

export function sequenceTask(options: SequenceTaskOptions): SequenceTask {
  check(options);
  const o = { noise: 0, ...options };
  const key = (what: string) => `tasks/sequence/${o.seed}/${what}`;
  const u = new Float64Array(o.channels);
  fillNormals(u, 0, o.channels, key('direction'));
  const norm = Math.hypot(...u);
  for (let c = 0; c < o.channels; c++) u[c] /= norm;
  const lengths = uniformStream(key('lengths'));
  const make = (split: 'train' | 'test', count: number) => {
    const inputs: number[][][] = [];
    const mask: number[][] = [];
    const targets: number[] = [];
    const noise = new Float64Array(count);
    if (split === 'train' && o.noise > 0) fillNormals(noise, 0, count, key('noise'));
    for (let m = 0; m < count; m++) {
      const L = o.minLength + Math.floor(lengths() * (o.maxLength - o.minLength + 1));
      const tokens = new Float64Array(o.maxLength * o.channels);
      fillNormals(tokens, 0, L * o.channels, key(`${split}/${m}`));
      // Tokens rounded to 4 decimals so the JSON files stay short; the target uses the rounded tokens.
      const rows = Array.from({ length: o.maxLength }, (_, t) => Array.from(tokens.subarray(t * o.channels, (t + 1) * o.channels), (v) => Math.round(v * 1e4) / 1e4));
      const c = orderWeights(o.maxLength).slice(0, L);
      let y = 0;
      for (let t = 0; t < L; t++) y += c[t] * rows[t].reduce((s, v, k) => s + v * u[k], 0);
      y /= Math.sqrt(c.reduce((s, w) => s + w * w, 0));
      inputs.push(rows);
      mask.push(Array.from({ length: o.maxLength }, (_, t) => (t < L ? 1 : 0)));
      targets.push(y + o.noise * noise[m]);
    }
    return { inputs, mask, targets };
  };
  const train = make('train', o.train);
  const test = make('test', o.test);
  return { train: { inputs: train.inputs, mask: train.mask }, test: { inputs: test.inputs, mask: test.mask }, targets: train.targets, testTargets: test.targets, direction: Array.from(u), options: o };
}
