/**
 * Width and head scaling for convergence runs. The kernels do not depend on widths, so a family of
 * networks at factors f shares one analytic kernel and its finite-width bias falls like 1/f — as
 * long as scaling changes only widths that the limit does not see. Two things in a spec are not
 * free widths, and scaling keeps them as they are:
 *
 * - the concat embedding's ratio n/(n + n_pe) (docs/attention-ntk.md, docs/specs.md, "Attention"): n_pe is
 *   scaled by the factor the layer's INPUT width actually got, n'/n, so the ratio is the same at
 *   every factor. An input width that scaling does not touch (the raw inputs, or an activation,
 *   LayerNorm or residual applied to them) keeps n_pe; a factor for which n_pe·n'/n is not a whole
 *   number is refused, since no integer n_pe keeps the kernel (e.g. n = 33 at ×0.5).
 * - a residual block's output width, which must equal its input width: a block on the raw inputs
 *   keeps its last width, whatever the factor.
 *
 * The last layer is the readout: its width only sets how many output channels average into the
 * NNGP estimate, so it is left as written. Layer types this file does not know (a user's layer in
 * check-layer) are taken to keep the width of their input, and their spec is kept as written unless
 * the caller passes a per-layer rule (`ScaleOptions.layer`: a layer module's `scale` hook,
 * src/layers/module.ts), which gets the same context the built-in rules use (`ScaleContext`).
 */
import { SpecError } from './schema.ts';
import type { LayerSpec, NetworkSpec } from './types.ts';

export interface ScaleOptions {
  /** Multiplies widths (dense, key/value/out widths, and concat channels with their layer's input). */
  readonly width?: number;
  /** Multiplies attention heads. */
  readonly heads?: number;
  /**
   * A rule for one layer, consulted before the built-in ones: the scaled spec, or undefined to use
   * the built-in rule (a type this file does not know is then kept as written). check-layer passes
   * the layer module's `scale` hook for the layer under test.
   */
  readonly layer?: (spec: LayerSpec, ctx: ScaleContext) => LayerSpec | undefined;
}

/**
 * What a layer's scaling rule knows: the factors, where the layer is, and its input width as written
 * and as scaled (null: the raw inputs' own channels, which no factor changes). A layer whose spec
 * has widths of its own multiplies them by `width`; one whose kernel is the many-heads limit
 * (src/spec/heads.ts) multiplies its heads by `heads` (1 where the case keeps heads fixed).
 */
export interface ScaleContext {
  readonly width: number;
  readonly heads: number;
  readonly path: string;
  readonly input: { readonly written: number; readonly scaled: number } | null;
}

const times = (n: number, f: number) => Math.max(1, Math.round(n * f));

/** The channel count at a point of the network as written and as scaled; null: the raw inputs' own (never scaled). */
type Width = { readonly written: number; readonly scaled: number } | null;

function concatChannels(channels: number, input: Width, path: string, factor: number): number {
  if (input === null || input.scaled === input.written) return channels;
  const c = (channels * input.scaled) / input.written;
  if (!Number.isInteger(c))
    throw new SpecError(
      `${path}.posEmb.channels: width factor ${factor} turns the layer's input width ${input.written} into ${input.scaled}, and no whole n_pe keeps n/(n + n_pe) = ${input.written}/${input.written + channels} (n_pe would be ${c.toFixed(3)}); use widths that the factor maps to whole multiples of ${input.written / gcd(input.written, channels)}`,
    );
  return c;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

interface Scaled {
  readonly layer: LayerSpec;
  readonly width: Width;
}

function scaleLayer(l: LayerSpec, o: Options, keepOut: boolean, input: Width, path: string): Scaled {
  const own = o.layer?.(l, { width: o.width, heads: o.heads, path, input });
  // Its output width is taken to follow its input's, as for any type this file does not know.
  if (own !== undefined) return { layer: own, width: input };
  switch (l.type) {
    case 'dense': {
      const width = keepOut ? l.width : times(l.width, o.width);
      return { layer: { ...l, width }, width: { written: l.width, scaled: width } };
    }
    case 'attention': {
      const outWidth = keepOut ? l.outWidth : times(l.outWidth, o.width);
      const posEmb = l.posEmb?.type === 'concat' && l.posEmb.channels ? { ...l.posEmb, channels: concatChannels(l.posEmb.channels, input, path, o.width) } : l.posEmb;
      return {
        layer: { ...l, heads: times(l.heads, o.heads), keyWidth: times(l.keyWidth, o.width), valueWidth: times(l.valueWidth, o.width), outWidth, posEmb },
        width: { written: l.outWidth, scaled: outWidth },
      };
    }
    case 'residual': {
      let w = input;
      const block = l.block.map((b, j) => {
        const last = j === l.block.length - 1;
        // The block's last layer must give back the width it was given (as scaled, or the raw inputs' own).
        const s = scaleLayer(b, o, last && input === null, w, `${path}.block[${j}]`);
        if (last && input !== null) {
          const fixed = s.layer.type === 'dense' ? { ...s.layer, width: input.scaled } : s.layer.type === 'attention' ? { ...s.layer, outWidth: input.scaled } : s.layer;
          w = input;
          return fixed;
        }
        w = s.width;
        return s.layer;
      });
      return { layer: { ...l, block }, width: input };
    }
    default:
      return { layer: l, width: input };
  }
}

type Options = Required<Pick<ScaleOptions, 'width' | 'heads'>> & Pick<ScaleOptions, 'layer'>;

export function scaleSpec(spec: NetworkSpec, opts: ScaleOptions): NetworkSpec {
  const o: Options = { width: opts.width ?? 1, heads: opts.heads ?? 1, layer: opts.layer };
  const n = spec.layers.length;
  let width: Width = null;
  const layers = spec.layers.map((l, i) => {
    const s = scaleLayer(l, o, i === n - 1, width, `layers[${i}]`);
    width = s.width;
    return s.layer;
  });
  return { layers };
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
