/**
 * The layer contract. A layer is one factory whose two halves, the finite forward pass on tfjs
 * tensors and the analytic kernel map, are built from the same hyperparameters (the stax pattern).
 * Built-in layers and users' layers (`check-layer`) implement exactly this interface.
 */
import type * as tf from '@tensorflow/tfjs';
import type { KernelState } from '../kernels/state.ts';
import type { ConditionalWeights, SignalTape, SiteObserver, SiteTape } from './siteTypes.ts';

/** A parameter of one network: drawn N(0, 1) elementwise (NTK parameterisation; scales live in the forward pass). */
export interface ParamDecl {
  /** Unique within the layer; the network prefixes it with the layer's path. Keys the random stream. */
  readonly name: string;
  /** Shape for ONE network; the sampler stacks N networks in front: [N, ...shape]. */
  readonly shape: readonly number[];
  /** Whether it counts in the NTK (a fixed positional embedding does not). */
  readonly trainable: boolean;
}

/**
 * Parameters of a batch of N networks, keyed by ParamDecl.name, each [N, ...shape] float32. The
 * sampler's maps may draw a parameter when it is first read, so read only what the pass uses.
 */
export type ParamMap = Readonly<Record<string, tf.Tensor>>;

/**
 * Optional on a parameter map: `p[SCALED](name, s)` gives s · p[name], drawn scaled where the map
 * draws (estimators/params.ts) instead of multiplied as one more tensor op. Views forward it.
 */
export const SCALED: unique symbol = Symbol('scaled parameter');

/** s · p[name]: drawn scaled when the map can (SCALED), else one multiplication. */
export function scaledParam(p: ParamMap, name: string, s: number): tf.Tensor {
  const scaled = (p as { [SCALED]?: (name: string, s: number) => tf.Tensor })[SCALED];
  return scaled ? scaled(name, s) : s === 1 ? p[name] : p[name].mul(s);
}

/** A view of `p` under other names, [newName, oldName] pairs; reading through it reads `p` then, not now. */
export function renameParams(p: ParamMap, names: readonly (readonly [string, string])[]): ParamMap {
  const view: Record<string, tf.Tensor> & { [SCALED]?: (name: string, s: number) => tf.Tensor } = {};
  const from = new Map<string, string>();
  for (const [to, f] of names) {
    from.set(to, f);
    Object.defineProperty(view, to, { get: () => p[f], enumerable: true });
  }
  view[SCALED] = (name: string, s: number) => scaledParam(p, from.get(name) ?? name, s);
  return view;
}

/** What a finite forward pass knows besides its input. Tensors here are owned by the caller. */
export interface FiniteContext {
  readonly N: number;
  readonly M: number;
  readonly T: number;
  /** [1, M, T, 1] float32, 1 for valid positions. */
  readonly mask: tf.Tensor4D;
  /** Whether any position is padded (lets layers skip mask work). */
  readonly masked: boolean;
  /**
   * Present while the sampler computes the NTK by per-layer contractions: layers apply their
   * parameters through the helpers of sites.ts (linear, addBias, leftShared), which report to it.
   * A layer that applies a trainable parameter any other way is still correct under the autodiff
   * NTK (`ntkMethod: 'autodiff'`), and `check-layer` compares the two.
   */
  readonly tape?: SiteTape;
  /**
   * Present while the sampler runs the contraction NTK's reverse pass by hand (`Layer.forwardBack`):
   * sites register with it in the forward pass and report their signals from the reverse steps.
   */
  readonly signals?: SignalTape;
  /**
   * Present with `signals` when the NTK has a single reverse pass: a `linear` site given its weight
   * lazily may draw it given its input instead (src/estimators/conditionalSites.ts).
   */
  readonly conditional?: ConditionalWeights;
  /** Present while the sampler computes control-variate features: sites report their input and output. */
  readonly observer?: SiteObserver;
  /**
   * Present while the sampler estimates the NNGP without a tape: a `linear` site given its weight
   * lazily may draw its output rows directly from their conditional law instead of drawing W
   * (src/estimators/preactivations.ts).
   */
  readonly preactivations?: PreactivationSampler;
}

/**
 * Draws y = s · x W with W ~ N(0, 1) (n × m) from its law given x, without W: the columns of y are
 * independent N(0, s² x xᵀ), so y = s · F Z with F Fᵀ = x xᵀ (R × r) and Z an r × m standard normal
 * matrix has the same law. Cheaper when x has fewer rows R than channels n: r·m normals and an
 * R × r × m product instead of n·m and R × n × m.
 */
export interface PreactivationSampler {
  /** The layer path currently running (set by the stack), which keys the draws with the site's name. */
  prefix: string;
  /** The site's output [N, R, m], or null when drawing W is cheaper (R ≥ n) or x is not finite. */
  sample(param: string, x: tf.Tensor3D, outWidth: number, scale: number): tf.Tensor3D | null;
}

/** Options for kernels that are Gaussian expectations estimated by sampling (float64). */
export interface KernelContext {
  /** The layer's path in the spec, e.g. `layers[2].block[0]`; errors name it, random streams are keyed by it. */
  readonly path: string;
  /** Seed of the kernel's own Monte-Carlo estimates (independent of any network sampling). */
  readonly seed: number;
  /** The sample indices this pass uses: [first, first + count). Disjoint ranges give independent replicas. */
  readonly firstSample: number;
  readonly sampleCount: number;
  /** How a sampled kernel integrates over the logits (default 'rows'); see SamplingMethod. */
  readonly sampling?: SamplingMethod;
}

/**
 * 'rows': randomised quasi-Monte Carlo over the two logit rows each entry depends on (sqrt softmax
 * attention, docs/attention-ntk.md (D.13)); 'antithetic': independent draws of all logits, each
 * evaluated at Z and −Z; 'plain': independent draws. Mechanisms with a closed form ignore it.
 */
export type SamplingMethod = 'rows' | 'antithetic' | 'plain';

export interface Layer {
  /** Spec type, e.g. 'dense'. */
  readonly type: string;
  readonly path: string;
  readonly inWidth: number;
  readonly outWidth: number;
  readonly params: readonly ParamDecl[];
  /** Whether the kernel map uses Monte-Carlo samples (then `kernel` returns an estimate). */
  readonly sampled: boolean;
  /**
   * Whether `forward` maps a zero input row (a padded position) to a zero output row. The stack
   * zeroes padded positions after every layer; it skips that tensor op after a layer that declares
   * this. Leave it out when unsure: the stack then masks, which is always right.
   */
  readonly keepsZeroRows?: boolean;
  /** The infinite-width map: a new state, the input untouched. Throws KernelError when it cannot apply. */
  kernel(state: KernelState, ctx: KernelContext): KernelState;
  /** The finite map on x: [N, M, T, inWidth] → [N, M, T', outWidth]. Called inside tf.tidy by the network. */
  forward(x: tf.Tensor4D, params: ParamMap, ctx: FiniteContext): { y: tf.Tensor4D; ctx: FiniteContext };
  /**
   * Optional: the same forward pass with its reverse pass written out, for the contraction NTK
   * (which then needs no tfjs autodiff: no tape, no saved-tensor copies, fused reverse steps).
   * `back(dy, needInput)` maps ∂f/∂y to ∂f/∂x (null when `needInput` is false) and reports every
   * site's signal to `ctx.signals` (apply parameters through the `*Site` helpers of sites.ts).
   * It may be called once per output position, so it must not dispose what it reads. Layers
   * without it are differentiated by tfjs; `ntkMethod: 'autodiff'` checks either.
   */
  forwardBack?(x: tf.Tensor4D, params: ParamMap, ctx: FiniteContext): ForwardBack;
}

/** A forward pass and its reverse step (Layer.forwardBack). */
export interface ForwardBack {
  readonly y: tf.Tensor4D;
  readonly ctx: FiniteContext;
  readonly back: (dy: tf.Tensor4D, needInput: boolean) => tf.Tensor4D | null;
}

/** What a factory knows about where its layer sits. */
export interface LayerSite {
  readonly path: string;
  readonly inWidth: number;
  /** Positions per input at this point (1 after pooling). */
  readonly T: number;
  /**
   * The channels here are the raw inputs' own (no dense or attention layer has set the width yet),
   * so their count does not grow with the network's widths. Unset: unknown (a layer built alone).
   */
  readonly rawWidth?: boolean;
}

export type LayerFactory<S> = (spec: S, site: LayerSite) => Layer;
