/**
 * The layer registry: spec type → everything the package reads about a layer by its type name.
 * One entry per layer type, built-in or a user's (registerLayer, check-layer), and every walker of
 * a spec reads it: the network schema (parse.ts), width and head scaling (scale.ts), the head-limit
 * rule (heads.ts), the stack builder (sequential.ts), residual's zero-mean rule, the scalar readout.
 *
 * The table holds no layer itself, so that composite layers (residual) can build their blocks
 * through sequential.ts without importing the built-ins back (registry.ts → residual.ts →
 * sequential.ts → registry.ts was an import circle that threw a ReferenceError when residual.ts was
 * imported first). registry.ts enters the built-ins.
 */
import * as v from 'valibot';
import type { LayerSpec } from '../spec/types.ts';
import type { LayerFactory } from './types.ts';

/**
 * What a scaling rule knows: the factors, where the layer is, its input width as written and as
 * scaled (null: the raw inputs' own channels, which no factor changes), and how to scale a block
 * of layers nested in it.
 */
export interface ScaleContext {
  readonly width: number;
  readonly heads: number;
  readonly path: string;
  readonly input: { readonly written: number; readonly scaled: number } | null;
  /**
   * Scales `layers` run in order on this layer's input; with `keepWidth` the last one's output
   * width is pinned to the input's (a residual block must give back the width it was given).
   */
  readonly scaleBlock: (layers: readonly LayerSpec[], path: (j: number) => string, keepWidth: boolean) => LayerSpec[];
}

/** A spec value read and replaced (the output channels of a layer, the block of a composite). */
export interface Field<S, T> {
  readonly of: (spec: S) => T;
  readonly set: (spec: S, value: T) => S;
}

export interface LayerType<S extends { readonly type: string } = { readonly type: string }> {
  /** The spec type name, e.g. 'dense' or a user's 'swish'. */
  readonly type: string;
  /** Both halves of the layer from one spec (the layer contract, types.ts). */
  readonly factory: LayerFactory<S>;
  /**
   * Validates the spec and fills in its defaults (a strict valibot object, so a misspelt key is an
   * error with its path). Without one the spec passes as written and the factory reads it.
   */
  readonly schema?: v.GenericSchema<unknown, S>;
  /**
   * Output channels of its own (dense's `width`, attention's `outWidth`). A layer without it keeps
   * its input's channels. Scaling multiplies them, the scalar readout sets them to 1, and a
   * residual block's last layer gets its input's back.
   */
  readonly outWidth?: Field<S, number>;
  /**
   * How the spec scales with the width and head factors of a convergence run. Default: the output
   * channels (`outWidth`) times the width factor; a spec without them is kept as written.
   */
  readonly scale?: (spec: S, ctx: ScaleContext) => S;
  /** Positions per input at the output given those at the input (global pooling: 1). Default: the same. */
  readonly positions?: (T: number) => number;
  /**
   * Whether the output is centred and uncorrelated with the input in the limit (zero-mean weights
   * at the output: dense, attention), so that a residual block ending in it adds kernels.
   */
  readonly zeroMean?: boolean;
  /**
   * Whether the layer is linear in its input, so that it keeps a scale mixture of Gaussians one
   * (heads.ts): a non-linear layer after sqrt attention sees the H → ∞ kernel. Default false, the
   * safe side.
   */
  readonly linear?: boolean;
  /** Whether its output is Gaussian only as its heads grow (sqrt attention, heads.ts). */
  readonly headLimit?: (spec: S) => boolean;
  /**
   * Whether its finite-width bias may fall slower than 1/width: a map with a kink at the value its
   * input tends to (linear-scaling attention with a relu or abs mechanism: the logits tend to 0).
   * A case with such a layer lets a rejection be inconclusive where a bias like width^(−p),
   * p ≥ 1/2, explains it (the bias-rate rule, src/layers/slowBias.ts, docs/verdicts.md).
   */
  readonly slowBias?: (spec: S) => boolean;
  /**
   * How large its 1/width² bias term may be, as a multiple (≥ 1) of the natural size, the relative
   * bias squared; default 1. Declared where a measurement shows more (src/layers/curvature.ts,
   * scripts/calibration/bias-shape.ts): the verdict then allows for a term of that size, at a stated
   * cost in power.
   */
  readonly curvature?: (spec: S, ctx: CurvatureContext) => number;
  /**
   * How large the second coefficient b of its bias series K(w) = K∞ + a·x + b·x² (x = 1/width
   * factor) may be against the first, as κ ≥ 0 with |b| ≤ κ|a|; default 0. Declared where a
   * measurement shows the series far from the natural ρ-series (src/layers/curvature.ts): the
   * verdict's stated power then allows for the offset of K∞ such a term leaves; its test and level
   * do not change.
   */
  readonly biasSeries?: (spec: S, ctx: CurvatureContext) => number;
  /** Layers nested in it, run in order on its input (residual's block). */
  readonly block?: Field<S, readonly LayerSpec[]>;
  /** Its widths in a report's one-line description (`H2×8/8→16`); `inner` describes a nested block. */
  readonly describe?: (spec: S, inner: (layers: readonly LayerSpec[]) => string) => string;
}

/** What a curvature declaration may depend on besides the spec: how the case grows the network. */
export interface CurvatureContext {
  /** Whether the case grows the heads with the width factor (sqrt attention: the 1/heads series). */
  readonly scaleHeads: boolean;
  /** The layer whose output this one reads (for the first layer of a block, the block's input's); none at the input. */
  readonly previous?: LayerSpec;
}

/** Every registered layer type by name. */
export const layerTypes: Record<string, LayerType> = {};

/** The entry of a spec's type; a SpecError-worthy message names the known types when there is none. */
export function layerTypeOf(type: string): LayerType | undefined {
  return Object.prototype.hasOwnProperty.call(layerTypes, type) ? layerTypes[type] : undefined;
}

export function knownLayerTypes(): string[] {
  return Object.keys(layerTypes);
}

/**
 * Adds a layer type: a full entry, or a type name and its factory (the spec then passes as written,
 * keeps its input's width under scaling, and counts as non-linear).
 */
export function registerLayer<S extends { readonly type: string }>(entry: LayerType<S>): void;
export function registerLayer(type: string, factory: LayerFactory<never>): void;
export function registerLayer(a: string | { readonly type: string; readonly factory: unknown }, factory?: LayerFactory<never>): void {
  const entry = (typeof a === 'string' ? { type: a, factory } : a) as LayerType;
  if (typeof entry.type !== 'string' || typeof entry.factory !== 'function') throw new TypeError('registerLayer: expected { type: string, factory: LayerFactory, … } or (type, factory)');
  if (layerTypeOf(entry.type)) throw new Error(`registerLayer: a layer type ${JSON.stringify(entry.type)} already exists`);
  layerTypes[entry.type] = entry;
}

/** Removes a type added with registerLayer (check-layer, after its run). */
export function unregisterLayer(type: string): void {
  delete layerTypes[type];
}

/**
 * Replaces a layer type's factory, keeping the rest of its entry, until the returned function is
 * called: how the suites swap in the deliberately broken layers of fixtures/ to show that a verdict
 * can fail. A type not registered is added with the factory alone.
 */
export function overrideLayer(type: string, factory: LayerFactory<never>): () => void {
  const previous = layerTypeOf(type);
  layerTypes[type] = { ...(previous ?? { type }), factory } as LayerType;
  return () => {
    if (previous) layerTypes[type] = previous;
    else delete layerTypes[type];
  };
}

/** A registered type without a schema: its factory reads the spec as written. */
const asWritten = v.custom<LayerSpec>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), 'a layer must be an object with a "type"');

/** One layer of any registered type, by its entry's schema (a residual's block is a list of these). */
export const layerSchema: v.GenericSchema<unknown, LayerSpec> = v.lazy((input) => {
  const type = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as { type?: unknown }).type : undefined;
  const entry = typeof type === 'string' ? layerTypeOf(type) : undefined;
  if (entry) return (entry.schema ?? asWritten) as v.GenericSchema<unknown, LayerSpec>;
  return v.custom<never>(
    () => false,
    typeof input !== 'object' || input === null || Array.isArray(input)
      ? 'a layer must be an object with a "type"'
      : `unknown layer type ${JSON.stringify(type)}; expected one of ${knownLayerTypes().join(', ')}`,
  );
}) as v.GenericSchema<unknown, LayerSpec>;


/** Multiplies a width by a scaling factor, at least 1 (the rule of every layer type's own widths). */
export const scaleWidth = (n: number, f: number) => Math.max(1, Math.round(n * f));
