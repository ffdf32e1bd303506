/**
 * What common random numbers across width factors would buy (issue 12 §3), measured rather than
 * bounded. docs/verdicts.md bounds it from a model (per-network variance ∝ 1/w, nested averages with
 * corr(f, g) = √(f/g)); this script measures it on three small networks in float64:
 *
 * - `mlp`: dense(16f) → relu → dense(16f) → relu, the readout averaged (kernel = φφᵀ / width);
 * - `sqrt-fixed`: dense(16f) → one sqrt-scaled softmax head with d_k = d_v = 16f (heads fixed);
 * - `sqrt-heads`: dense(16f) → 2f sqrt-scaled softmax heads of d_k = d_v = 8 (heads grow, as in
 *   check-layer's sqrt row).
 *
 * At factors 1, 2, 4 it draws R replicates two ways: independent networks per factor (what the
 * suite does), and nested ones (the narrower network is the leading block of the widest one's
 * weights, each scaled by its own fan-in). `K∞` is the intercept of the weighted line in x = 1/f
 * through the three means (docs/verdicts.md §1). Reported per kernel entry: Var(K∞) of independent
 * networks with inverse-variance weights ÷ Var(K∞) of nested networks, (a) with the same weights
 * (the engine's fit unchanged) and (b) with generalised least squares on the nested covariance (an
 * engine that knows the cross-width covariance). Each network costs the same either way, so the
 * ratio is the gain in networks at equal CPU time.
 *
 * Usage: npx tsx scripts/crn-gain.ts [--replicates 3000] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { median, sampleCovariance } from 'simple-statistics';
import { fillNormals } from '../src/random/normals.ts';
import { matmul } from '../src/linalg/dense.ts';
import { cholesky, solveLowerTriangular } from '../src/linalg/cholesky.ts';
import { fitBiasModel } from '../src/verdicts/biasModel.ts';

const FACTORS = [1, 2, 4] as const;
const { values } = parseArgs({ options: { replicates: { type: 'string', default: '3000' }, seed: { type: 'string', default: '1' } } });
const R = Number(values.replicates);
const seed = Number(values.seed);

function normals(count: number, key: string): Float64Array {
  const out = new Float64Array(count);
  fillNormals(out, 0, count, key);
  return out;
}

/** The leading rows × cols block of a row-major matrix with `stride` columns, times `scale`. */
function block(W: Float64Array, stride: number, rows: number, cols: number, scale: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = W[i * stride + j] * scale;
  return out;
}

const relu = (a: Float64Array): Float64Array => a.map((v) => (v > 0 ? v : 0));

/** Upper triangle of F Fᵀ / width for F of shape [P, width]. */
function gram(F: Float64Array, P: number, width: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < P; a++) for (let b = a; b < P; b++) {
    let s = 0;
    for (let c = 0; c < width; c++) s += F[a * width + c] * F[b * width + c];
    out.push(s / width);
  }
  return out;
}

interface Net {
  /** Parameters of the widest network (factor 4), each a row-major [fan_in, fan_out] array. */
  draw(key: string): Record<string, Float64Array>;
  /** The readout-averaged NNGP entries of the network at factor f, from the leading blocks of `p`. */
  kernel(p: Record<string, Float64Array>, f: number): number[];
}

const D0 = 4;
const inputs = normals(6 * D0, `crn:${seed}:inputs`);

function mlp(): Net {
  const P = 4, n = 16, top = n * 4;
  const x = inputs.subarray(0, P * D0);
  return {
    draw: (key) => ({ w1: normals(D0 * top, `${key}:w1`), w2: normals(top * top, `${key}:w2`) }),
    kernel: (p, f) => {
      const m = n * f;
      const h1 = relu(matmul(x, block(p.w1, top, D0, m, 1 / Math.sqrt(D0)), P, D0, m));
      const h2 = relu(matmul(h1, block(p.w2, top, m, m, 1 / Math.sqrt(m)), P, m, m));
      return gram(h2, P, m);
    },
  };
}

/** Softmax attention over each sequence's T positions, logits Q Kᵀ / √d_k; returns A V, [S·T, dv]. */
function attend(Q: Float64Array, K: Float64Array, V: Float64Array, S: number, T: number, dk: number, dv: number): Float64Array {
  const out = new Float64Array(S * T * dv);
  const logits = new Float64Array(T);
  for (let s = 0; s < S; s++) for (let t = 0; t < T; t++) {
    let max = -Infinity;
    for (let u = 0; u < T; u++) {
      let l = 0;
      for (let c = 0; c < dk; c++) l += Q[(s * T + t) * dk + c] * K[(s * T + u) * dk + c];
      logits[u] = l / Math.sqrt(dk);
      max = Math.max(max, logits[u]);
    }
    let z = 0;
    for (let u = 0; u < T; u++) z += (logits[u] = Math.exp(logits[u] - max));
    for (let u = 0; u < T; u++) for (let c = 0; c < dv; c++) out[(s * T + t) * dv + c] += (logits[u] / z) * V[(s * T + u) * dv + c];
  }
  return out;
}

function sqrtFixed(): Net {
  const S = 2, T = 3, P = S * T, n = 16, top = n * 4;
  return {
    draw: (key) => ({ e: normals(D0 * top, `${key}:e`), q: normals(top * top, `${key}:q`), k: normals(top * top, `${key}:k`), v: normals(top * top, `${key}:v`) }),
    kernel: (p, f) => {
      const m = n * f;
      const X = matmul(inputs, block(p.e, top, D0, m, 1 / Math.sqrt(D0)), P, D0, m);
      const proj = (W: Float64Array) => matmul(X, block(W, top, m, m, 1 / Math.sqrt(m)), P, m, m);
      return gram(attend(proj(p.q), proj(p.k), proj(p.v), S, T, m, m), P, m);
    },
  };
}

function sqrtHeads(): Net {
  const S = 2, T = 3, P = S * T, n = 16, d = 8, top = n * 4, headsTop = 2 * 4;
  return {
    draw: (key) => {
      const p: Record<string, Float64Array> = { e: normals(D0 * top, `${key}:e`) };
      for (let h = 0; h < headsTop; h++) for (const w of ['q', 'k', 'v']) p[`${w}${h}`] = normals(top * d, `${key}:${w}${h}`);
      return p;
    },
    kernel: (p, f) => {
      const m = n * f, H = 2 * f;
      const X = matmul(inputs, block(p.e, top, D0, m, 1 / Math.sqrt(D0)), P, D0, m);
      const proj = (W: Float64Array) => matmul(X, block(W, d, m, d, 1 / Math.sqrt(m)), P, m, d);
      const all = new Float64Array(P * H * d);
      for (let h = 0; h < H; h++) {
        const o = attend(proj(p[`q${h}`]), proj(p[`k${h}`]), proj(p[`v${h}`]), S, T, d, d);
        for (let a = 0; a < P; a++) for (let c = 0; c < d; c++) all[a * H * d + h * d + c] = o[a * d + c];
      }
      return gram(all, P, H * d);
    },
  };
}

/** Sample covariance matrix of the columns of `rows` ([R][3]). */
function covariance(rows: number[][]): number[][] {
  const cols = FACTORS.map((_, j) => rows.map((r) => r[j]));
  return cols.map((a) => cols.map((b) => sampleCovariance(a, b)));
}

/** [(Xᵀ Σ⁻¹ X)⁻¹]₀₀ for X = [1, 1/f]: the variance of the GLS intercept. Whitened by Σ's Cholesky factor. */
function glsInterceptVariance(sigma: number[][]): number {
  const L = cholesky(sigma);
  if (!L) throw new Error('covariance not positive definite');
  const w0 = solveLowerTriangular(L, FACTORS.map(() => 1));
  const w1 = solveLowerTriangular(L, FACTORS.map((f) => 1 / f));
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  const a = dot(w0, w0), b = dot(w0, w1), c = dot(w1, w1);
  return c / (a * c - b * b);
}

/** The engine's weights of K∞ on the width means for one entry whose means have variances `v_f`. */
function interceptWeights(v: number[]): number[] {
  const fit = fitBiasModel(FACTORS.map((f, i) => ({ x: 1 / f, mean: new Float64Array(1), variance: Float64Array.of(v[i]), covariance: null, networks: R })));
  return Array.from(fit.interceptWeights);
}

function measure(name: string, net: Net): void {
  const nested: number[][][] = [], independent: number[][][] = [];
  for (let r = 0; r < R; r++) {
    const widest = net.draw(`crn:${seed}:${name}:nested:${r}`);
    nested.push(FACTORS.map((f) => net.kernel(widest, f)));
    independent.push(FACTORS.map((f) => net.kernel(net.draw(`crn:${seed}:${name}:indep:${f}:${r}`), f)));
  }
  const entries = nested[0][0].length;
  const rows: { sameWeights: number; gls: number; relVar: number; corr12: number; corr14: number }[] = [];
  for (let e = 0; e < entries; e++) {
    const ind = covariance(independent.map((rep) => rep.map((k) => k[e])));
    const nest = covariance(nested.map((rep) => rep.map((k) => k[e])));
    const v = FACTORS.map((_, i) => ind[i][i]);
    const c = interceptWeights(v);
    const varInd = c.reduce((s, ci, i) => s + ci * ci * v[i], 0);
    const varSame = c.reduce((s, ci, i) => s + c.reduce((t, cj, j) => t + ci * cj * nest[i][j], 0), 0);
    const meanK = independent.reduce((s, rep) => s + rep[2][e], 0) / R;
    rows.push({
      sameWeights: varInd / varSame,
      gls: varInd / glsInterceptVariance(nest),
      relVar: varInd / (meanK * meanK),
      corr12: nest[0][1] / Math.sqrt(nest[0][0] * nest[1][1]),
      corr14: nest[0][2] / Math.sqrt(nest[0][0] * nest[2][2]),
    });
  }
  const worst = rows.reduce((a, b) => (b.relVar > a.relVar ? b : a));
  const fmt = (x: number) => x.toFixed(2);
  console.log(`| ${name} | ${fmt(worst.sameWeights)} | ${fmt(worst.gls)} | ${fmt(median(rows.map((r) => r.sameWeights)))} | ${fmt(median(rows.map((r) => r.gls)))} | ${fmt(worst.corr12)} / ${fmt(worst.corr14)} |`);
}

console.log(`common random numbers across factors 1, 2, 4: ${R} replicates, seed ${seed}`);
console.log('| network | worst entry, same weights | worst entry, GLS | median entry, same weights | median entry, GLS | worst entry corr(1,2) / corr(1,4) |');
console.log('| --- | --- | --- | --- | --- | --- |');
measure('mlp', mlp());
measure('sqrt-fixed', sqrtFixed());
measure('sqrt-heads', sqrtHeads());
