/**
 * Width and head scaling for convergence runs. The kernels do not depend on widths (except through
 * the concat embedding's ratio n_pe/(n+n_pe), which scaling by one factor keeps fixed), so a family
 * of networks at factors f shares one analytic kernel and its finite-width bias falls like 1/f.
 * The last layer is the readout: its width only sets how many output channels average into the
 * NNGP estimate, so it is left as written.
 */
import type { LayerSpec, NetworkSpec } from './types.ts';

export interface ScaleOptions {
  /** Multiplies widths (dense, key/value/out widths, concat channels). */
  readonly width?: number;
  /** Multiplies attention heads. */
  readonly heads?: number;
}

const times = (n: number, f: number) => Math.max(1, Math.round(n * f));

function scaleLayer(l: LayerSpec, o: Required<ScaleOptions>, isLast: boolean): LayerSpec {
  switch (l.type) {
    case 'dense':
      return isLast ? l : { ...l, width: times(l.width, o.width) };
    case 'attention':
      return {
        ...l,
        heads: times(l.heads, o.heads),
        keyWidth: times(l.keyWidth, o.width),
        valueWidth: times(l.valueWidth, o.width),
        outWidth: isLast ? l.outWidth : times(l.outWidth, o.width),
        posEmb: l.posEmb?.channels ? { ...l.posEmb, channels: times(l.posEmb.channels, o.width) } : l.posEmb,
      };
    case 'residual':
      return { ...l, block: l.block.map((b) => scaleLayer(b, o, false)) };
    default:
      return l;
  }
}

export function scaleSpec(spec: NetworkSpec, opts: ScaleOptions): NetworkSpec {
  const o = { width: opts.width ?? 1, heads: opts.heads ?? 1 };
  const n = spec.layers.length;
  return { layers: spec.layers.map((l, i) => scaleLayer(l, o, i === n - 1)) };
}

/** The widths of a spec's layers in order, for reports. */
export function describeWidths(spec: NetworkSpec): string {
  const w = (l: LayerSpec): string[] =>
    l.type === 'dense'
      ? [String(l.width)]
      : l.type === 'attention'
        ? [`H${l.heads}×${l.keyWidth}/${l.valueWidth}→${l.outWidth}`]
        : l.type === 'residual'
          ? [`res(${l.block.flatMap(w).join(',')})`]
          : [];
  return spec.layers.flatMap(w).join(',');
}
