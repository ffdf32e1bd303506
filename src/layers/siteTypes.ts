/**
 * The types a site and the tapes that watch it share. Kept apart from sites.ts (the helpers that
 * apply parameters) so that the layer contract, types.ts, can name them without importing sites.ts,
 * which imports the contract back.
 */
import type * as tf from '@tensorflow/tfjs';

export type SiteKind = 'right' | 'bias' | 'left';

export interface SiteRecord {
  /** Parameter key (the layer's local name; the tape prefixes the layer path). */
  readonly param: string;
  readonly kind: SiteKind;
  readonly scale: number;
  /** Whether θ counts in the NTK (a fixed positional embedding does not). */
  readonly trainable: boolean;
  /** right: the input rows x, [N, R, n]. */
  readonly input?: tf.Tensor3D;
  /** right: the site's output y = s x W, [N, R, m]. */
  readonly output?: tf.Tensor3D;
  /** left: the row Gram R ⊗ (mask mask ᵀ) over (input, position) rows, [R, R] with R = M·T. */
  readonly rowGram?: tf.Tensor2D;
  /** right: x xᵀ, [N, R, R], when the site has computed it already (the contraction reuses it). */
  readonly gram?: tf.Tensor3D;
  /** Shape of the site's output, [N, R, m]. */
  readonly shape: readonly number[];
}

/** Records sites during a forward pass and adds the probes the NTK differentiates against. */
export interface SiteTape {
  /** The layer path currently running (set by the stack). */
  prefix: string;
  /** Called by sites; returns y + probe (or y while discovering shapes). */
  observe(site: SiteRecord, y: tf.Tensor3D): tf.Tensor3D;
}

/**
 * Records sites during a forward pass whose reverse pass is written out by hand (Layer.forwardBack):
 * no probes; each site reports ∂f/∂y at its output from the reverse pass through `signal`.
 */
export interface SignalTape {
  /** The layer path currently running (set by the stack). */
  prefix: string;
  /** Registers a site of the forward pass; returns the id its reverse step reports under. */
  site(site: SiteRecord): number;
  /** ∂f/∂y at site `id` (y its output, [N, R, m]), reported by the reverse pass. */
  signal(id: number, delta: tf.Tensor3D): void;
}

/** A site's forward output and its reverse step. */
export interface SiteResult {
  readonly y: tf.Tensor3D;
  /**
   * The reverse step: reports dy (∂f/∂y) as the site's signal to the SignalTape and returns ∂f/∂x,
   * or null when `needInput` is false (or the site has no input). Valid only under a SignalTape.
   */
  readonly back: (dy: tf.Tensor3D, needInput: boolean) => tf.Tensor3D | null;
  /** Set when sites of one `group` have a cheaper reverse step together (backTogether). */
  readonly shared?: SharedReverse;
}

/** A reverse step that sites reading one input can take together. */
export interface SharedReverse {
  readonly group: object;
  /** Σ_i back_i(dy_i) over sites of this group, each part's `shared` being of this group. */
  readonly backTogether: (parts: readonly (readonly [SharedReverse, tf.Tensor3D])[], needInput: boolean) => tf.Tensor3D | null;
}

/**
 * Sees every site y = s x W whose weight is used there alone (passed `deferred`), with its input
 * and output: the control variates' features (src/estimators/controlVariates.ts).
 */
export interface SiteObserver {
  /** The layer path currently running (set by the stack). */
  prefix: string;
  observe(param: string, scale: number, x: tf.Tensor3D, y: tf.Tensor3D): void;
}

/**
 * Draws a `linear` site's weight given its input during the contraction NTK's forward pass, when
 * that is cheaper than drawing W (src/estimators/conditionalSites.ts); null to draw W.
 */
export interface ConditionalWeights {
  site(param: string, x: tf.Tensor3D, outWidth: number, scale: number): SiteResult | null;
}

