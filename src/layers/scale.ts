/**
 * Width and head scaling for convergence runs. The kernels do not depend on widths, so a family of
 * networks at factors f shares one analytic kernel and its finite-width bias falls like 1/f — as
 * long as scaling changes only widths that the limit does not see. Each layer type says how its
 * spec scales (its registry entry, table.ts: `scale`, else its own output channels `outWidth` times
 * the width factor); this file walks a spec with them and keeps what the limit does see:
 *
 * - a residual block's output width, which must equal its input width: a block on the raw inputs
 *   keeps its last width, whatever the factor (`ScaleContext.scaleBlock` with `keepWidth`);
 * - the concat embedding's ratio n/(n + n_pe) (attention's rule, attention/index.ts), through the
 *   input width as written and as scaled that each rule is given.
 *
 * The last layer is the readout: its width only sets how many output channels average into the
 * NNGP estimate, so it is left as written. A type without a rule keeps its spec as written and its
 * input's width (hidden widths derived from `site.inWidth` still grow with the layer before it).
 */
import type { LayerSpec, NetworkSpec } from '../spec/types.ts';
import { layerTypeOf, scaleWidth, type LayerType, type ScaleContext } from './table.ts';
// The built-in types join the registry when it loads.
import './registry.ts';

export { scaleWidth, type ScaleContext } from './table.ts';

export interface ScaleOptions {
  /** Multiplies widths (each layer type's own widths, see its registry entry). */
  readonly width?: number;
  /** Multiplies the heads of layers whose kernel is the many-heads limit (attention). */
  readonly heads?: number;
  /**
   * A rule for one layer, consulted before its type's: the scaled spec, or undefined to use the
   * type's rule. check-layer passes the layer module's `scale` hook for the slot under test only.
   */
  readonly layer?: (spec: LayerSpec, ctx: ScaleContext) => LayerSpec | undefined;
}


/** The channel count at a point of the network as written and as scaled; null: the raw inputs' own (never scaled). */
type Width = ScaleContext['input'];

type Options = Required<Pick<ScaleOptions, 'width' | 'heads'>> & Pick<ScaleOptions, 'layer'>;

/** A type's default rule: its own output channels times the width factor. */
function byOutWidth(entry: LayerType | undefined, spec: LayerSpec, f: number): LayerSpec {
  const out = entry?.outWidth;
  return out ? (out.set(spec, scaleWidth(out.of(spec), f)) as LayerSpec) : spec;
}

function scaleLayers(layers: readonly LayerSpec[], o: Options, input: Width, pathOf: (i: number) => string, keepWidth: boolean, keepLast: boolean): LayerSpec[] {
  let w = input;
  return layers.map((l, i) => {
    const path = pathOf(i);
    const last = i === layers.length - 1;
    const entry = layerTypeOf(l.type);
    const ctx: ScaleContext = {
      width: o.width,
      heads: o.heads,
      path,
      input: w,
      scaleBlock: (block, p, keep) => scaleLayers(block, o, w, p, keep, keep && w === null),
    };
    let s = o.layer?.(l, ctx) ?? (entry?.scale ? (entry.scale(l as never, ctx) as LayerSpec) : byOutWidth(entry, l, o.width));
    // The readout keeps its channels as written.
    if (last && keepLast && entry?.outWidth) s = entry.outWidth.set(s as never, entry.outWidth.of(l as never)) as LayerSpec;
    // A block's last layer gives back the width it was given.
    if (last && keepWidth && input !== null && entry?.outWidth) s = entry.outWidth.set(s as never, input.scaled) as LayerSpec;
    const out = entry?.outWidth;
    w = last && keepWidth ? input : out ? { written: out.of(l as never), scaled: out.of(s as never) } : w;
    return s;
  });
}

export function scaleSpec(spec: NetworkSpec, opts: ScaleOptions): NetworkSpec {
  const o: Options = { width: opts.width ?? 1, heads: opts.heads ?? 1, layer: opts.layer };
  return { layers: scaleLayers(spec.layers, o, null, (i) => `layers[${i}]`, false, true) };
}

/** The widths of a spec's layers in order, for reports. */
export function describeWidths(spec: Pick<NetworkSpec, 'layers'>): string {
  const inner = (layers: readonly LayerSpec[]): string =>
    layers
      .map((l) => layerTypeOf(l.type)?.describe?.(l as never, inner) ?? '')
      .filter((d) => d !== '')
      .join(',');
  return inner(spec.layers);
}
