/**
 * Where check-layer puts the layer under test: the fixed table of compositions, one per kind of
 * input state the layer contract allows (docs/kernels.md §6) or per kind of layer that reads its
 * output, and the random compositions drawn from the architectures' arbitrary (src/spec/arbitraries.ts).
 * docs/check-layer.md lists the rows, the state each exercises and the broken fixture each catches.
 *
 * Every row is the `gaussian` row (dense → layer → readout) with one thing changed, so that a row
 * which fails while `gaussian` passes names the state at fault. Row names contain no commas or
 * spaces (`--only raw,pooled`).
 */
import type { LayerSpec } from '../spec/types.ts';

/** A composition: built-in layers before the layer under test (on the raw inputs) and after it (the readout last). */
export interface Composition {
  readonly before: readonly Readonly<Record<string, unknown>>[];
  readonly after: readonly Readonly<Record<string, unknown>>[];
  /** Network seed of its ensembles. */
  readonly seed: number;
  /** Whether the inputs have padded positions (`maskedInputs`). */
  readonly masked: boolean;
}

export interface TableRow {
  /** A name without commas or spaces, e.g. `pooled`. */
  readonly name: string;
  /** What the row exercises, in one line (docs/check-layer.md). */
  readonly exercises: string;
  readonly composition: Composition;
  /**
   * Networks per width factor relative to the run's setting: the linear attention row's ensembles
   * vary more per network (random attention weights), so it gets twice the networks to come near
   * the other rows' detectable error (docs/check-layer.md, "Speed and power"); the sqrt row gets
   * its power from its wider factors instead.
   */
  readonly networkFactor: number;
  /**
   * The row's width factors relative to the run's (`--scales` times this). The sqrt attention row
   * starts at twice the width: from width 64 its bias curves too much for the verdict's a/width
   * model (docs/check-layer.md, "Speed and power"; docs/calibration.md).
   */
  readonly scaleFactor: number;
  /**
   * The 1/width² term, as a multiple of its natural size, that the row's verdicts allow for at
   * least (a floor under what its layers declare, src/layers/curvature.ts). The composition's, not
   * a layer's: the sqrt attention row's bias curves more than attention's own declaration, 1, which
   * holds for the encoder and issue 16's softmax architecture (docs/calibration.md). The sqrt row's
   * 1.5, chosen on 800 runs and confirmed on 400 fresh ones; 2 was conservative on fresh seeds.
   */
  readonly curvatureFactor: number;
}

/** The built-in neighbours, with the hidden width `w` at width factor 1. */
export const neighbours = {
  dense: (w: number) => ({ type: 'dense', width: w, wStd: 1.2, bStd: 0.2 }),
  readout: () => ({ type: 'dense', width: 1, wStd: 1, bStd: 0.1 }),
  relu: () => ({ type: 'relu' }),
  layerNorm: () => ({ type: 'layerNorm', eps: 1e-6 }),
  pool: () => ({ type: 'globalAvgPool' }),
  /** A residual sum over a non-Gaussian stream: x + dense(x) after a ReLU, whose mean it carries. */
  residual: (w: number) => ({ type: 'residual', block: [{ type: 'dense', width: w, wStd: 1, bStd: 0.1 }] }),
  /** Linear scaling: a closed-form kernel, a Gaussian process at any head count. */
  linearAttention: (w: number) => attentionSpec('linear', w, w),
  /**
   * Sqrt scaling, softmax: the logits stay random, so the kernel is sampled, and a non-linear
   * layer after it sees the H → ∞ kernel; its heads grow with the width factor (src/layers/heads.ts).
   * Two heads of w/8 channels each: per CPU-second the most power of the forms measured (one head
   * of w/4, two of w/8, four of w/16; relu and identity mechanisms, whose heavier-tailed weights
   * cost four to ten times more networks; docs/check-layer.md, "Speed and power"). Four heads of
   * w/8 see a smaller error for more time, and did not lower the row's NNGP false-positive rate
   * (docs/calibration.md), so the row keeps two. Width helped more: the row runs at twice the run's
   * width factors (its `scaleFactor`), where the 1/width² term of its bias leaves a quarter of what
   * it leaves in K∞ from width 64 (its NNGP level closer, not yet at α; docs/calibration.md).
   */
  sqrtAttention: (w: number) => ({ ...attentionSpec('sqrt', w, Math.max(2, Math.round(w / 8))), heads: 2 }),
} as const;

function attentionSpec(scaling: 'linear' | 'sqrt', w: number, perHead: number) {
  return {
    type: 'attention',
    heads: 1,
    keyWidth: perHead,
    valueWidth: perHead,
    outWidth: w,
    scaling,
    mechanism: 'softmax',
    wQStd: 1,
    wKStd: 1,
    wVStd: 1,
    wOStd: 1,
    bStd: 0,
    posEmb: null,
  };
}

/**
 * The fixed table. Inputs: 2 sequences of 3 positions (fixtures/layers/inputs.json), and the same
 * with one padded position (inputs-masked.json) where a row says masked.
 */
export function tableRows(width: number, seed: number): TableRow[] {
  const n = neighbours;
  const row = (name: string, exercises: string, before: Record<string, unknown>[], after: Record<string, unknown>[], masked = false, networkFactor = 1, scaleFactor = 1, curvatureFactor = 1): TableRow => ({
    name,
    exercises,
    composition: { before, after: [...after, n.readout()], seed, masked },
    networkFactor,
    scaleFactor,
    curvatureFactor,
  });
  return [
    row('raw', 'deterministic raw inputs: known features, NTK 0, several positions', [], []),
    row('gaussian', 'centred Gaussian inputs (NTK = NNGP), several positions, unmasked', [n.dense(width)], []),
    row('general', '"general" inputs after a non-linearity: non-Gaussian, mean ≠ 0', [n.dense(width), n.relu()], []),
    row('residual', 'a residual sum: a non-Gaussian stream plus a Gaussian branch, its mean carried', [n.dense(width), n.relu(), n.residual(width)], []),
    row('pooled', 'one position (T = 1) after pooling', [n.dense(width), n.pool()], []),
    row('linear-attention', 'masked inputs, positions mixed by linear attention (NTK ≠ NNGP)', [n.dense(width), n.linearAttention(width)], [], true, 2),
    row('sqrt-attention', 'sqrt softmax attention before it: Gaussian only as its heads grow (heads scaled with the width), NTK ≠ NNGP', [n.dense(width), n.sqrtAttention(width)], [], false, 1, 2, 1.5),
    row('before-relu', "the output's law: a ReLU after it applies the Gaussian formula only to a Gaussian label", [n.dense(width)], [n.relu()]),
    row('before-layerNorm', "the output's first moment: LayerNorm after it centres with it", [n.dense(width)], [n.layerNorm()]),
  ];
}

/**
 * How a table row runs: the run's networks times its `networkFactor`, the run's width factors times
 * its `scaleFactor`, and its `curvatureFactor` for the verdicts. One home for check-layer and the calibration.
 */
export function rowDesign(
  run: { readonly networks: number; readonly scales: readonly number[] },
  row: Pick<TableRow, 'networkFactor' | 'scaleFactor' | 'curvatureFactor'>,
): { networks: number; scales: number[]; curvatureFactor: number } {
  return { networks: Math.round(run.networks * row.networkFactor), scales: run.scales.map((f) => f * row.scaleFactor), curvatureFactor: row.curvatureFactor };
}

/** One layer in a row's description: `dense(32)`, `attention(sqrt softmax, H1, 32)`, `residual(dense(32))`. */
export function describeLayer(l: Readonly<Record<string, unknown>>): string {
  const s = l as unknown as LayerSpec;
  switch (s.type) {
    case 'dense':
      return `dense(${s.width})`;
    case 'attention':
      return `attention(${s.scaling} ${s.mechanism}, H${s.heads}, ${s.outWidth}${s.posEmb ? `, ${s.posEmb.type} embedding` : ''})`;
    case 'residual':
      return `residual(${s.block.map((b) => describeLayer(b as unknown as Record<string, unknown>)).join(' → ')})`;
    default:
      return String(s.type);
  }
}

export function describeComposition(c: Composition, type: string): string {
  return [...c.before.map(describeLayer), type, ...c.after.map(describeLayer)].join(' → ') + (c.masked ? ' [masked inputs]' : '');
}

/** The network of a composition, the layer under test at index `before.length` (path `layers[i]`). */
export function compositionLayers(c: Composition, layer: Readonly<Record<string, unknown>>): Record<string, unknown>[] {
  return [...c.before, layer, ...c.after];
}

export const slotPath = (c: Composition) => `layers[${c.before.length}]`;
