/**
 * The analytic kernel against an independent float64 computation written here from the formulas
 * alone (plain nested arrays, no shared code): dense, ReLU (Cho & Saul 2009), erf (Williams 1997),
 * LayerNorm, pooling and masks, to 1e-10 relative.
 */
import { describe, expect, it } from 'vitest';
import { computeKernel } from './kernel.ts';
import { parseInputs } from '../spec/schema.ts';
import { network, dense, relu, erf, layerNorm, globalAvgPool, residual, abs } from '../layers/builder.ts';
import { KernelError } from '../kernels/state.ts';

type Mat = number[][];
const inputs = {
  inputs: [
    [[0.5, -1, 0.25, 2], [1, 0.5, -0.5, 0], [0.1, 0.2, 0.3, -0.4]],
    [[-0.3, 0.8, 1.1, 0.6], [0.2, 0.1, 0.4, -1.5], [1, 1, -1, 1]],
  ],
  mask: [[1, 1, 1], [1, 1, 0]],
};
const X = inputs.inputs.flat();
const valid = inputs.mask.flat();
const P = X.length;
const map2 = (f: (i: number, j: number) => number): Mat => Array.from({ length: P }, (_, i) => Array.from({ length: P }, (_, j) => (valid[i] && valid[j] ? f(i, j) : 0)));

const K0 = map2((i, j) => X[i].reduce((s, v, c) => s + v * X[j][c], 0) / 4);
const T0 = map2(() => 0);
const denseRef = (K: Mat, T: Mat, w: number, b: number): [Mat, Mat] => {
  const K2 = map2((i, j) => w * w * K[i][j] + b * b);
  return [K2, map2((i, j) => w * w * T[i][j] + K2[i][j])];
};
const reluRef = (K: Mat, T: Mat): [Mat, Mat] => {
  // θ from the determinant, not acos(ρ): acos is ill-conditioned at ρ ≈ 1 (the diagonal).
  const th = (i: number, j: number) => Math.atan2(Math.sqrt(Math.max(0, K[i][i] * K[j][j] - K[i][j] ** 2)), K[i][j]);
  return [
    map2((i, j) => (Math.sqrt(K[i][i] * K[j][j]) * (Math.sin(th(i, j)) + (Math.PI - th(i, j)) * Math.cos(th(i, j)))) / (2 * Math.PI)),
    map2((i, j) => (T[i][j] * (Math.PI - th(i, j))) / (2 * Math.PI)),
  ];
};
const erfRef = (K: Mat, T: Mat): [Mat, Mat] => [
  map2((i, j) => (2 / Math.PI) * Math.asin((2 * K[i][j]) / Math.sqrt((1 + 2 * K[i][i]) * (1 + 2 * K[j][j])))),
  map2((i, j) => (T[i][j] * 4) / (Math.PI * Math.sqrt((1 + 2 * K[i][i]) * (1 + 2 * K[j][j]) - 4 * K[i][j] ** 2))),
];
const poolRef = (K: Mat): Mat => {
  const rows = [0, 1].map((m) => [0, 1, 2].map((t) => m * 3 + t).filter((a) => valid[a]));
  return [0, 1].map((x) => [0, 1].map((y) => rows[x].reduce((s, a) => s + rows[y].reduce((u, b) => u + K[a][b], 0), 0) / (rows[x].length * rows[y].length)));
};
const flat = (m: Mat) => m.flat();

function expectClose(actual: Float64Array, expected: number[]) {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  const worst = Math.max(...Array.from(actual, (v, i) => Math.abs(v - expected[i]) / scale));
  expect(worst).toBeLessThan(1e-10);
}

describe('analytic kernels agree with an independent float64 computation', () => {
  const batch = parseInputs(inputs);

  it('dense → relu → dense → erf → dense (masked)', () => {
    let [K, T] = denseRef(K0, T0, 1.3, 0.2);
    [K, T] = reluRef(K, T);
    [K, T] = denseRef(K, T, 0.9, 0.1);
    [K, T] = erfRef(K, T);
    [K, T] = denseRef(K, T, 1.1, 0);
    const k = computeKernel(network(dense(8, { wStd: 1.3, bStd: 0.2 }), relu(), dense(8, { wStd: 0.9, bStd: 0.1 }), erf(), dense(2, { wStd: 1.1 })), batch);
    expectClose(k.nngp, flat(K));
    expectClose(k.ntk, flat(T));
  });

  it('dense → layerNorm → relu → pool → dense', () => {
    let [K, T] = denseRef(K0, T0, 1.5, 0.3);
    const d = K.map((r, i) => Math.sqrt(r[i] + 1e-6));
    K = map2((i, j) => K[i][j] / (d[i] * d[j]));
    T = map2((i, j) => T[i][j] / (d[i] * d[j]));
    [K, T] = reluRef(K, T);
    let Kp = poolRef(K);
    let Tp = poolRef(T);
    Kp = Kp.map((r) => r.map((v) => 0.64 * v + 0.01));
    Tp = Tp.map((r, i) => r.map((v, j) => 0.64 * v + Kp[i][j]));
    const k = computeKernel(network(dense(8, { wStd: 1.5, bStd: 0.3 }), layerNorm(), relu(), globalAvgPool(), dense(1, { wStd: 0.8, bStd: 0.1 })), batch);
    expect([k.M, k.T]).toEqual([2, 1]);
    expectClose(k.nngp, Kp.flat());
    expectClose(k.ntk, Tp.flat());
  });

  it('relu on raw inputs is the deterministic map <φ(x), φ(y)>/d, not the Gaussian formula', () => {
    const one = parseInputs({ inputs: [[[1, -1, 0.5]]] });
    const k = computeKernel(network(relu(), dense(1)), one);
    // docs/kernels.md §3: the finite network gives (1 + 0.25)/3 = 0.41667, the Gaussian formula 0.375.
    expect(k.nngp[0]).toBeCloseTo(1.25 / 3, 12);
  });

  it('refuses an activation after another non-linearity', () => {
    expect(() => computeKernel(network(dense(4), relu(), abs(), dense(1)), batch)).toThrow(KernelError);
    expect(() => computeKernel(network(dense(4), relu(), abs(), dense(1)), batch)).toThrow(/layers\[2\]: abs needs a centred Gaussian input/);
  });

  it('refuses a residual block that does not end in a zero-mean layer', () => {
    expect(() => computeKernel(network(dense(4), residual(dense(4), relu()), dense(1)), batch)).toThrow(
      /layers\[1\]\.block: a residual block must end in a zero-mean layer/,
    );
  });

  it('refuses a residual block that changes the width', () => {
    expect(() => computeKernel(network(dense(4), residual(dense(5)), dense(1)), batch)).toThrow(/layers\[1\]\.block: the block changes the width from 4 to 5/);
  });
});
