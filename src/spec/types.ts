/**
 * The network and input formats shared by the analytic kernels and the finite networks.
 * One spec drives both halves of every check; see docs/kernels.md for the maths.
 */

export type ActivationName = 'relu' | 'erf' | 'abs' | 'identity' | 'gelu' | 'tanh';

export interface DenseSpec {
  readonly type: 'dense';
  /** Output channels n_out. */
  readonly width: number;
  /** σw: weights enter as σw/√n_in · x W with W ~ N(0,1) (NTK parameterisation). */
  readonly wStd: number;
  /** σb: bias enters as σb · b with b ~ N(0,1). */
  readonly bStd: number;
}

export interface ActivationSpec {
  readonly type: ActivationName;
}

export interface LayerNormSpec {
  readonly type: 'layerNorm';
  /** ε in (x - mean)/√(var + ε); the kernel carries it too, so finite and infinite agree. */
  readonly eps: number;
}

export interface GlobalAvgPoolSpec {
  readonly type: 'globalAvgPool';
}

export interface ResidualSpec {
  readonly type: 'residual';
  readonly block: readonly LayerSpec[];
}

export type DecaySpec =
  | { readonly kind: 'exp'; readonly scale: number }
  | { readonly kind: 'inverse'; readonly scale: number }
  | { readonly kind: 'power'; readonly exponent: number };

export interface PosEmbSpec {
  readonly type: 'sum' | 'concat';
  /** σpe. */
  readonly std: number;
  /** n_pe, only with concat (sum uses the input width). */
  readonly channels?: number;
  /** R_ab = decay(|a-b|^p); null means R = I. */
  readonly decay: DecaySpec | null;
  readonly p: number;
  /** Whether values see the embedded input too. */
  readonly values: boolean;
  /** Whether the embedding matrix is a trained parameter (enters the NTK). */
  readonly trainable: boolean;
}

export type AttentionScaling = 'linear' | 'sqrt';
export type AttentionMechanism = 'softmax' | 'identity' | 'relu' | 'abs';

export interface AttentionSpec {
  readonly type: 'attention';
  readonly heads: number;
  readonly keyWidth: number;
  readonly valueWidth: number;
  readonly outWidth: number;
  readonly scaling: AttentionScaling;
  readonly mechanism: AttentionMechanism;
  readonly wQStd: number;
  readonly wKStd: number;
  readonly wVStd: number;
  readonly wOStd: number;
  readonly bStd: number;
  readonly posEmb: PosEmbSpec | null;
}

export type LayerSpec =
  | DenseSpec
  | ActivationSpec
  | LayerNormSpec
  | GlobalAvgPoolSpec
  | ResidualSpec
  | AttentionSpec;

export interface NetworkSpec {
  readonly layers: readonly LayerSpec[];
}

/** A batch of M sequences of T positions with d channels, and optionally which positions are valid. */
export interface InputsSpec {
  readonly inputs: readonly (readonly (readonly number[])[])[];
  readonly mask?: readonly (readonly number[])[];
}

/** Inputs after validation, flattened for the numeric code. */
export interface InputBatch {
  readonly M: number;
  readonly T: number;
  readonly d: number;
  /** Row-major [M][T][d]. */
  readonly x: Float64Array;
  /** Row-major [M][T], 1 for a valid position, 0 for padding. */
  readonly mask: Float64Array;
  readonly masked: boolean;
}
