/**
 * The closed forms of sqrt attention with the relu and abs mechanisms (docs/attention-ntk.md (D.12))
 * against the Monte-Carlo sampler over the same infinite-width logits, the independent check: the
 * sampler evaluates ζ and ζ' on sampled logits, the closed form never samples.
 *
 * Statistical test: the sampler runs R = 32 independent replicas of n draws each. Under H0 (closed
 * form = the sampler's expectation) each entry's (mean − closed form)/SE is Student t with R − 1
 * degrees of freedom (every replica mean averages n ≥ 500 draws, so it is close to normal). Every
 * unique valid entry of the NNGP and the NTK of every run is one test; Bonferroni over all of them
 * keeps the family-wise false-positive rate of the whole file's property at α = 1e-3.
 */
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import seedrandom from 'seedrandom';
import * as tf from '@tensorflow/tfjs';
import { attentionKernel, SqrtAttentionSampler, sqrtAttentionTerms, type SqrtExpectations } from './kernel.ts';
import { attention } from './index.ts';
import { attention as attentionSpec, type AttentionOptions } from '../builder.ts';
import type { DecaySpec } from '../../spec/types.ts';
import { featureGram, inputState, type KernelState } from '../../kernels/state.ts';
import type { KernelContext } from '../types.ts';
import { studentTQuantile } from '../../stats/studentTQuantile.ts';
import { batchInputs, empiricalNtk, finiteContext, forwardOf, sampleParams } from './testHelpers.ts';

const R = 32;
const DRAWS = 500;
const RUNS = 12;
const ALPHA = 1e-3;
/** Unique valid entries of one kernel at most: M ≤ 3, T ≤ 4 → 12 rows → 78; two kernels per run. */
const TESTS = RUNS * 2 * 78;
const critical = -studentTQuantile(ALPHA / TESTS / 2, R - 1);
const ctx: KernelContext = { path: 'att', seed: 1, firstSample: 0, sampleCount: 1 };

/** Features of unit-order Gram, some rows exactly zero (a valid position whose kernel vanishes). */
function state(M: number, T: number, d: number, key: string, mask: number[], zeroRows: number[], thetaFeatures: boolean): KernelState {
  const rng = seedrandom.alea(key);
  const P = M * T;
  const feats = (scale: number) => {
    const f = new Float64Array(P * d);
    for (let i = 0; i < P; i++) if (mask[i] && !zeroRows.includes(i)) for (let k = 0; k < d; k++) f[i * d + k] = scale * (2 * rng() - 1) * Math.sqrt(3);
    return f;
  };
  const nngp = featureGram(feats(1), P, d);
  // Θ from other features: PSD, not proportional to K, zero on the same rows.
  const ntk = thetaFeatures ? featureGram(feats(0.8), P, d) : new Float64Array(P * P);
  return { M, T, mask: Float64Array.from(mask), nngp, ntk, width: d, dist: 'gaussian', features: null, mean: null };
}

/** Replica means of the sampler, entry by entry: the t statistics of (closed form − sampler). */
function tStatistics(s: KernelState, sp: ReturnType<typeof attentionSpec>, exact: KernelState, key: string): { nngp: number[]; ntk: number[] } {
  const sampler = new SqrtAttentionSampler(s, sp, s.width);
  const reps = Array.from({ length: R }, (_, r) => sampler.pass(7, key, r * DRAWS, DRAWS));
  const P = s.M * s.T;
  const out = { nngp: [] as number[], ntk: [] as number[] };
  for (const kind of ['nngp', 'ntk'] as const) {
    for (let i = 0; i < P; i++)
      for (let j = i; j < P; j++) {
        if (!s.mask[i] || !s.mask[j]) continue;
        const v = reps.map((rep) => rep[kind][i * P + j]);
        const m = v.reduce((a, b) => a + b, 0) / R;
        const se = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (R - 1) / R);
        const diff = m - exact[kind][i * P + j];
        // A zero SE means the sampler's entry is exactly determined (zero-variance logits): then equality.
        out[kind].push(se > 0 ? diff / se : Math.abs(diff) <= 1e-12 * (1 + Math.abs(m)) ? 0 : Infinity);
      }
  }
  return out;
}

const std = (lo: number, hi: number) => fc.integer({ min: Math.round(lo * 10), max: Math.round(hi * 10) }).map((v) => v / 10);
const decayArb: fc.Arbitrary<DecaySpec | null> = fc.oneof(
  fc.constant(null),
  std(0.2, 1.5).map((scale) => ({ kind: 'exp' as const, scale })),
  std(0.5, 2).map((exponent) => ({ kind: 'power' as const, exponent })),
);
const posEmbArb = fc.option(
  fc.record({
    type: fc.constantFrom('sum' as const, 'concat' as const),
    std: std(0.3, 1.2),
    channels: fc.constantFrom(2, 5),
    decay: decayArb,
    values: fc.boolean(),
    trainable: fc.boolean(),
  }),
  { nil: null, freq: 3 },
);
const caseArb = fc.record({
  mechanism: fc.constantFrom('relu' as const, 'abs' as const),
  M: fc.integer({ min: 1, max: 3 }),
  T: fc.integer({ min: 2, max: 4 }),
  d: fc.integer({ min: 2, max: 5 }),
  key: fc.string({ minLength: 1, maxLength: 6 }),
  maskBits: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  zeroRow: fc.option(fc.integer({ min: 0, max: 11 }), { nil: null, freq: 3 }),
  theta: fc.boolean(),
  wQStd: std(0.5, 1.8),
  wKStd: std(0.5, 1.5),
  wVStd: std(0.8, 1.5),
  wOStd: std(0.8, 1.5),
  bStd: fc.oneof(fc.constant(0), std(0.1, 0.5)),
  posEmb: posEmbArb,
});

describe('sqrt relu/abs attention: closed form against the sampler', () => {
  test.prop([caseArb], { numRuns: RUNS })(
    'every NNGP and NTK entry within the sampler’s standard error (t test, Bonferroni over all entries of all runs at 1e-3)',
    (c) => {
      const P = c.M * c.T;
      // Position 0 of every input stays valid (an input needs one); the rest follow maskBits.
      const mask = Array.from({ length: P }, (_, i) => (i % c.T === 0 || c.maskBits[i] ? 1 : 0));
      const zero = c.zeroRow !== null && c.zeroRow < P && mask[c.zeroRow] ? [c.zeroRow] : [];
      const s = state(c.M, c.T, c.d, c.key, mask, zero, c.theta);
      const pe = c.posEmb === null ? null : c.posEmb.type === 'sum' ? { ...c.posEmb, channels: undefined } : c.posEmb;
      const { channels, ...rest } = pe ?? { channels: undefined };
      const posEmb = pe === null ? null : pe.type === 'concat' ? { ...rest, type: 'concat' as const, channels } : { ...rest, type: 'sum' as const };
      const sp = attentionSpec({ heads: 1, keyWidth: 4, valueWidth: 4, outWidth: 3, mechanism: c.mechanism, wQStd: c.wQStd, wKStd: c.wKStd, wVStd: c.wVStd, wOStd: c.wOStd, bStd: c.bStd, posEmb } as AttentionOptions);
      const exact = attentionKernel(s, sp, ctx);
      const t = tStatistics(s, sp, exact, c.key);
      for (const kind of ['nngp', 'ntk'] as const) {
        const worst = Math.max(...t[kind].map(Math.abs));
        expect(worst, `${kind}: worst |t| ${worst.toFixed(2)} > ${critical.toFixed(2)} for ${JSON.stringify(c)}`).toBeLessThanOrEqual(critical);
      }
    },
    120_000,
  );
});

describe('the comparison has power: a closed form with one term dropped is rejected', () => {
  // Every term non-zero: Θ ≠ 0, a trainable embedding seen by the values, a padded position.
  const s = state(2, 3, 4, 'power', [1, 1, 1, 1, 0, 1], [], true);
  const options = (mechanism: 'relu' | 'abs'): AttentionOptions => ({
    heads: 1,
    keyWidth: 4,
    valueWidth: 4,
    outWidth: 3,
    mechanism,
    wQStd: 1.4,
    wKStd: 1.1,
    bStd: 0.2,
    posEmb: { type: 'sum', std: 0.7, decay: { kind: 'exp', scale: 0.6 }, values: true },
  });
  const terms: (keyof SqrtExpectations)[] = ['value', 'thv', 'cKq', 'cThq'];
  for (const mechanism of ['relu', 'abs'] as const) {
    it(`${mechanism}: the correct closed form passes, each of the four expectations of (D.11) dropped in turn fails`, () => {
      const sp = attentionSpec(options(mechanism));
      const full = sqrtAttentionTerms(s, sp, ctx);
      const exact = full.assemble(full.expectations);
      const ok = tStatistics(s, sp, exact, 'power');
      expect(Math.max(...ok.ntk.map(Math.abs), ...ok.nngp.map(Math.abs))).toBeLessThanOrEqual(critical);
      for (const term of terms) {
        const dropped = { ...full.expectations, [term]: full.expectations[term].map((b) => new Float64Array(b.length)) };
        const t = tStatistics(s, sp, full.assemble(dropped), 'power');
        expect(Math.max(...t.ntk.map(Math.abs)), `${term} dropped`).toBeGreaterThan(critical);
      }
    });
  }
});

describe('zero-variance logits: the finite network’s values', () => {
  it('a valid position with zero input has NNGP and NTK row σb² in the finite network, in the closed form and in the sampler', () => {
    const [M, T, n, N] = [1, 3, 6, 4];
    const x = new Float64Array(M * T * n);
    const rng = seedrandom.alea('zero-row');
    for (let i = n; i < T * n; i++) x[i] = 2 * rng() - 1; // position 0 stays exactly zero
    const mask = new Float64Array([1, 1, 1]);
    const s = inputState({ M, T, d: n, x, mask });
    for (const mechanism of ['relu', 'abs'] as const) {
      const sp = attentionSpec({ heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 2, mechanism, bStd: 0.3 });
      const layer = attention(sp, { path: 'att', inWidth: n, T });
      const exact = layer.kernel(s, ctx);
      const sampled = new SqrtAttentionSampler(s, sp, n).pass(3, 'z', 0, 50);
      const fctx = finiteContext(N, M, T, mask);
      const params = sampleParams(layer.params, N, 11);
      const xb = batchInputs(x, N, M, T, n);
      const y = layer.forward(xb, params, fctx).y;
      // Row 0's output is the bias alone in every network: σb·b, so its NNGP row is σb² (b is independent of the rest).
      const row0 = Array.from(y.slice([0, 0, 0, 0], [N, 1, 1, 2]).dataSync());
      const bias = Array.from((params.b as tf.Tensor).dataSync()).map((v) => 0.3 * v);
      row0.forEach((v, i) => expect(v).toBeCloseTo(bias[i], 6));
      const trainable = layer.params.filter((p) => p.trainable).map((p) => p.name);
      const ntk = empiricalNtk(forwardOf(layer, fctx), xb, params, trainable, 2, mask);
      tf.dispose([y, xb, fctx.mask, ...Object.values(params)]);
      for (let j = 0; j < T; j++) {
        // Row 0 is the zero input: its logits are exactly 0 in every network, ζ(0) = 0, only the bias is left.
        expect(exact.nngp[j]).toBeCloseTo(0.09, 14);
        expect(exact.ntk[j]).toBeCloseTo(0.09, 14);
        expect(sampled.nngp[j]).toBeCloseTo(0.09, 14);
        expect(sampled.ntk[j]).toBeCloseTo(0.09, 14);
        // The NTK of row 0 comes from the bias alone in every network (no spread over networks).
        expect(ntk.mean[j]).toBeCloseTo(0.09, 5);
        expect(ntk.se[j]).toBeLessThan(1e-6);
      }
    }
  });
});
