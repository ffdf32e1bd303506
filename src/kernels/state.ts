/**
 * The analytic kernel state carried through a network, in float64.
 *
 * Rows and columns run over (input, position) pairs, P = M·T (T = 1 after pooling). The state is
 * immutable: each layer returns a new one (the stax convention), so a state can be shared safely.
 */

/**
 * What the finite network's channels look like in the infinite-width limit at this point; it decides
 * which kernel maps are valid (docs/kernels.md §6: the Gaussian activation formula needs a centred GP input).
 * - `deterministic`: no random layer yet; the features themselves are known.
 * - `gaussian`: i.i.d. centred Gaussian channels (output of dense or attention).
 * - `general`: i.i.d. channels of unknown law with known first moment `mean`.
 */
export type Distribution = 'deterministic' | 'gaussian' | 'general';

export interface KernelState {
  readonly M: number;
  readonly T: number;
  /** 1 for a valid (input, position), 0 for padding; length M·T. */
  readonly mask: Float64Array;
  /** NNGP E[f_c(x_a) f_c(y_b)], row-major (M·T)². */
  readonly nngp: Float64Array;
  /** NTK Σ_p ∂f_c(x_a)/∂θ_p ∂f_c(y_b)/∂θ_p, row-major (M·T)². */
  readonly ntk: Float64Array;
  /** Channel count of the finite network at the spec's widths (needed by concat embeddings). */
  readonly width: number;
  readonly dist: Distribution;
  /** The features, (M·T) × width, while `dist` is deterministic; otherwise null. */
  readonly features: Float64Array | null;
  /** E[x_c] per (input, position) (equal for every channel); null means zero. */
  readonly mean: Float64Array | null;
}

/** Thrown when a layer cannot map a state: names the layer's path and why. */
export class KernelError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'KernelError';
  }
}

export function stateSize(s: Pick<KernelState, 'M' | 'T'>): number {
  return s.M * s.T;
}

/** Gram matrix <f_a, f_b>/width of row-major features (P × width). */
export function featureGram(features: Float64Array, P: number, width: number): Float64Array {
  const K = new Float64Array(P * P);
  for (let a = 0; a < P; a++) {
    for (let b = a; b < P; b++) {
      let s = 0;
      for (let c = 0; c < width; c++) s += features[a * width + c] * features[b * width + c];
      K[a * P + b] = K[b * P + a] = s / width;
    }
  }
  return K;
}

/** Channel means of row-major features. */
export function featureMeans(features: Float64Array, P: number, width: number): Float64Array {
  const m = new Float64Array(P);
  for (let a = 0; a < P; a++) {
    let s = 0;
    for (let c = 0; c < width; c++) s += features[a * width + c];
    m[a] = s / width;
  }
  return m;
}

/** K⁰[(x,a),(y,b)] = <x_a, y_b>/d, Θ⁰ = 0 (docs/kernels.md §1). Padded positions are zeroed. */
export function inputState(batch: { M: number; T: number; d: number; x: Float64Array; mask: Float64Array }): KernelState {
  const P = batch.M * batch.T;
  const features = new Float64Array(batch.x);
  for (let a = 0; a < P; a++) if (batch.mask[a] === 0) features.fill(0, a * batch.d, (a + 1) * batch.d);
  return {
    M: batch.M,
    T: batch.T,
    mask: batch.mask,
    nngp: featureGram(features, P, batch.d),
    ntk: new Float64Array(P * P),
    width: batch.d,
    dist: 'deterministic',
    features,
    mean: featureMeans(features, P, batch.d),
  };
}

/** Zeroes the rows and columns of padded positions: the finite network zeroes them after every layer. */
export function applyMask(s: KernelState): KernelState {
  if (!s.mask.some((b) => b === 0)) return s;
  const P = stateSize(s);
  const nngp = new Float64Array(s.nngp);
  const ntk = new Float64Array(s.ntk);
  const mean = s.mean ? new Float64Array(s.mean) : null;
  const features = s.features ? new Float64Array(s.features) : null;
  for (let a = 0; a < P; a++) {
    if (s.mask[a] !== 0) continue;
    for (let b = 0; b < P; b++) nngp[a * P + b] = nngp[b * P + a] = ntk[a * P + b] = ntk[b * P + a] = 0;
    if (mean) mean[a] = 0;
    if (features) features.fill(0, a * s.width, (a + 1) * s.width);
  }
  return { ...s, nngp, ntk, mean, features };
}
