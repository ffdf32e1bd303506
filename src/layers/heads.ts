/**
 * Where a spec's kernel is the H → ∞ limit rather than the kernel of its finite-H networks.
 *
 * Under sqrt scaling the logits of each head stay random as the widths grow, so the output of a
 * sqrt attention layer at H heads is, in the width limit, a scale mixture of Gaussians (src/limits/
 * singleHeadLaw.ts), Gaussian only as H → ∞ (Hron et al. 2020, §3). Its NNGP and mean NTK do not
 * depend on H (docs/attention-ntk.md, §8), and linear layers after it (dense, pooling, identity)
 * keep that: they only need second moments. A non-linear map downstream — an activation, LayerNorm,
 * or another attention layer (its logits are quadratic in its input) — needs the Gaussian law, so
 * from there on the kernel is the H → ∞ limit, and finite networks reach it only as heads grow.
 *
 * One rule for everything that depends on it: suites grow the heads with the width factor where it
 * fires (`scaleHeads`, src/validation/suite.ts), check-layer does the same, and `kernel` says so.
 */
import type { LayerSpec, NetworkSpec } from '../spec/types.ts';
import { layerTypeOf } from './table.ts';
// The built-in types join the registry when it loads.
import './registry.ts';

export interface HeadLimit {
  /** The sqrt attention layer, e.g. `layers[1]` or `layers[2].block[0]`. */
  readonly path: string;
  readonly heads: number;
  /** The first non-linear layer after it, e.g. `layers[2] (relu)`. */
  readonly after: string;
}

/**
 * Whether a layer's output is Gaussian only as its heads grow, as sqrt attention's is: true/false,
 * or undefined for its type's rule (the registry entry's `headLimit`, table.ts). check-layer passes
 * the layer module's `headLimit` hook for the slot under test.
 */
export type HeadLimitRule = (spec: LayerSpec, path: string) => boolean | undefined;

/** Sqrt attention layers followed (anywhere downstream) by an activation, LayerNorm or attention. */
export function headLimitLayers(spec: Pick<NetworkSpec, 'layers'>, rule?: HeadLimitRule): HeadLimit[] {
  const found: HeadLimit[] = [];
  let pending: { path: string; heads: number }[] = [];
  const visit = (layers: readonly LayerSpec[], pathOf: (i: number) => string) => {
    layers.forEach((l, i) => {
      const path = pathOf(i);
      const entry = layerTypeOf(l.type);
      // A nested block (residual's) runs on the layer's input in order; the layer itself (x + block(x)) is then judged by `linear`.
      const block = entry?.block?.of(l as never);
      if (block) visit(block, (j) => `${path}.block[${j}]`);
      if (!entry?.linear) {
        // A type that does not say it is linear (a user's layer) counts as non-linear: the safe side.
        for (const p of pending) found.push({ ...p, after: `${path} (${l.type})` });
        pending = [];
      }
      if (rule?.(l, path) ?? entry?.headLimit?.(l as never) ?? false) pending.push({ path, heads: (l as { heads?: number }).heads ?? 1 });
    });
  };
  visit(spec.layers, (i) => `layers[${i}]`);
  return found;
}

/** Whether the ensembles of a case must grow their heads with the width factor to reach the kernel. */
export function needsHeadScaling(spec: Pick<NetworkSpec, 'layers'>, rule?: HeadLimitRule): boolean {
  return headLimitLayers(spec, rule).length > 0;
}

/** One line per layer for a reader (the `kernel` command). */
export function describeHeadLimits(limits: readonly HeadLimit[]): string[] {
  return limits.map(
    (h) =>
      `${h.path} (sqrt attention, ${h.heads} head${h.heads === 1 ? '' : 's'}) is followed by ${h.after}: from there on this kernel is the H → ∞ limit, not the mean of networks at ${h.heads} head${h.heads === 1 ? '' : 's'}; finite networks reach it only as the heads grow (suites: "scaleHeads")`,
  );
}
