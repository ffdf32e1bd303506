/**
 * A stack of layers: builds each from its spec (tracking widths and positions), folds the kernel
 * maps, chains the forward passes, and zeroes padded positions after every layer on both sides
 * (docs/kernels.md §4). Parameter keys are `${layer.path}|${name}`, unique across the network.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LayerSpec } from '../spec/types.ts';
import { applyMask, type KernelState } from '../kernels/state.ts';
import { SpecError } from '../spec/schema.ts';
import { renameParams, type FiniteContext, type ForwardBack, type KernelContext, type Layer, type LayerSite, type ParamDecl, type ParamMap } from './types.ts';
import { knownLayerTypes, layerTypeOf } from './table.ts';

export interface Stack {
  readonly layers: readonly Layer[];
  readonly outWidth: number;
  /** Positions per input at the output (1 once pooled). */
  readonly T: number;
  readonly params: readonly ParamDecl[];
  readonly sampled: boolean;
  kernel(state: KernelState, ctx: Omit<KernelContext, 'path'>): KernelState;
  forward(x: tf.Tensor4D, params: ParamMap, ctx: FiniteContext): { y: tf.Tensor4D; ctx: FiniteContext };
  /** Present when every layer has `forwardBack` (types.ts): the forward pass and its reverse step. */
  readonly forwardBack?: (x: tf.Tensor4D, params: ParamMap, ctx: FiniteContext) => ForwardBack;
}

export const paramKey = (layer: Layer, name: string) => `${layer.path}|${name}`;

export function buildLayer(spec: LayerSpec, site: LayerSite): Layer {
  const entry = layerTypeOf(spec.type);
  if (!entry) throw new SpecError(`${site.path}: unknown layer type ${JSON.stringify(spec.type)}; expected one of ${knownLayerTypes().join(', ')}`);
  return entry.factory(spec as never, site);
}

/** Builds layers in order; `pathOf(i)` names layer i, e.g. `layers[3]`. */
export function buildStack(specs: readonly LayerSpec[], site: LayerSite, pathOf: (i: number) => string): Stack {
  const layers: Layer[] = [];
  let width = site.inWidth;
  let T = site.T;
  let raw = site.rawWidth ?? false;
  specs.forEach((spec, i) => {
    const layer = buildLayer(spec, { path: pathOf(i), inWidth: width, T, rawWidth: raw });
    layers.push(layer);
    const entry = layerTypeOf(spec.type);
    // A type with output channels of its own (dense, attention) projects onto them; elementwise and per-position layers keep the input's.
    raw = raw && !entry?.outWidth && layer.outWidth === width;
    width = layer.outWidth;
    T = entry?.positions?.(T) ?? T;
  });
  const params = layers.flatMap((l) => l.params.map((p) => ({ ...p, name: paramKey(l, p.name) })));
  const localParams = (l: Layer, p: ParamMap) => renameParams(p, l.params.map((d) => [d.name, paramKey(l, d.name)]));
  const forwardBack = (x: tf.Tensor4D, p: ParamMap, ctx: FiniteContext): ForwardBack => {
    const steps: { back: ForwardBack['back']; mask: tf.Tensor4D | null }[] = [];
    let y = x;
    let c = ctx;
    for (const l of layers) {
      if (c.signals) c.signals.prefix = l.path;
      if (c.observer) c.observer.prefix = l.path;
      const r = l.forwardBack!(y, localParams(l, p), c);
      ({ y, ctx: c } = r);
      const mask = c.masked && !l.keepsZeroRows ? c.mask : null;
      if (mask) y = y.mul(mask);
      steps.push({ back: r.back, mask });
    }
    return {
      y,
      ctx: c,
      back(dy, needInput) {
        let d: tf.Tensor4D | null = dy;
        for (let i = steps.length - 1; i >= 0 && d; i--) {
          const { back, mask } = steps[i];
          d = back(mask ? d.mul(mask) : d, i > 0 || needInput);
        }
        return d;
      },
    };
  };
  return {
    layers,
    outWidth: width,
    T,
    params,
    sampled: layers.some((l) => l.sampled),
    kernel(state, ctx) {
      let s = state;
      for (const l of layers) s = applyMask(l.kernel(s, { ...ctx, path: l.path }));
      return s;
    },
    ...(layers.every((l) => l.forwardBack) ? { forwardBack } : {}),
    forward(x, p, ctx) {
      let y = x;
      let c = ctx;
      for (const l of layers) {
        const local = localParams(l, p);
        if (c.tape) c.tape.prefix = l.path;
        if (c.preactivations) c.preactivations.prefix = l.path;
        if (c.observer) c.observer.prefix = l.path;
        ({ y, ctx: c } = l.forward(y, local, c));
        if (c.masked && !l.keepsZeroRows) y = y.mul(c.mask);
      }
      return { y, ctx: c };
    },
  };
}
