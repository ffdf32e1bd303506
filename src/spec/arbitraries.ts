/**
 * fast-check arbitraries for random architectures and inputs (issue 4, §3): the one home of the
 * random architectures that the property suites (suites/) and check-layer's random compositions
 * (src/checkLayer/) draw.
 *
 * An architecture is generated as a list of "units" (dense + optional activation, LayerNorm,
 * residual block, attention + optional activation, pooling), folded through the same rules the
 * kernel enforces (src/kernels/state.ts's distribution tracking), so every generated spec is one the
 * kernel accepts:
 *   - an activation needs a centred Gaussian input: it may follow a dense or attention layer (or a
 *     LayerNorm of one), never another non-linearity or a residual sum of non-Gaussian terms
 *     (on raw inputs it is the exact deterministic map, also allowed);
 *   - a residual block ends in dense (or attention) and keeps the width;
 *   - pooling happens at most once, and no attention follows it (one position left);
 *   - the network ends in a dense readout.
 * Units that would break a rule are adapted (the activation dropped), never rejected, so fast-check
 * shrinks a failing architecture by dropping units and simplifying their options: the counterexample
 * it prints is a minimal spec.
 */
import fc from 'fast-check';
import type { ActivationName, AttentionMechanism, AttentionScaling, AttentionSpec, DecaySpec, InputsSpec } from './types.ts';

export type Act = Exclude<ActivationName, 'identity'> | 'identity';
/** Activations with a non-zero output mean for a centred input (what LayerNorm must centre). */
export const meanCarrying: readonly Act[] = ['relu', 'abs', 'gelu'];

interface DenseUnit {
  readonly kind: 'dense';
  readonly width: number;
  readonly wStd: number;
  readonly bStd: number;
  readonly act: Act | null;
}
interface LayerNormUnit {
  readonly kind: 'layerNorm';
}
interface PoolUnit {
  readonly kind: 'pool';
}
interface ResidualUnit {
  readonly kind: 'residual';
  /** Activation at the start of the block (dropped where its input is not Gaussian). */
  readonly act: Act | null;
  /** Hidden width of a two-layer block, or null for a one-layer block. */
  readonly hidden: number | null;
  readonly hiddenAct: Act;
  readonly wStd: number;
  readonly bStd: number;
}
/** An attention layer of the spec (every key, defaults filled in), plus an optional activation after it. */
export interface AttentionUnit extends Omit<AttentionSpec, 'type'> {
  readonly kind: 'attention';
  readonly act: Act | null;
}
export type Unit = DenseUnit | LayerNormUnit | PoolUnit | ResidualUnit | AttentionUnit;

export interface ArchitectureOptions {
  /** Units between the first dense layer and the readout. */
  readonly maxUnits: number;
  /** Base widths to choose from (the width factors multiply them). */
  readonly widths: readonly number[];
  readonly activations: readonly Act[];
  /** Include attention units (the layer must be registered). */
  readonly attention: boolean;
  /** Only attention whose kernel is closed-form (no sampled sqrt softmax): cheaper. */
  readonly closedFormAttention?: boolean;
  /**
   * Only these attention mechanisms (default all four). check-layer keeps softmax: the unbounded
   * attention weights of relu, abs and identity cost four to ten times the networks for the same
   * power (docs/check-layer.md, "Speed and power").
   */
  readonly mechanisms?: readonly AttentionMechanism[];
  /** Force a pattern in: 'act' a given activation, 'act-layerNorm' it followed by LayerNorm. */
  readonly require?: { readonly pattern: 'act' | 'act-layerNorm'; readonly activations: readonly Act[] };
  /**
   * The raw inputs' channel count d: when given, the leading dense layer is optional, so units may
   * act on the raw inputs (an activation or LayerNorm as the exact deterministic map, attention, a
   * residual block that ends in dense(d)). Without it every architecture starts with dense.
   */
  readonly inputWidth?: number;
}

export interface Architecture {
  /** JSON layers, as a spec file would hold them (parseNetworkSpec fills the defaults). */
  readonly layers: readonly Record<string, unknown>[];
  /** Heads must grow with the width factor (sqrt attention converges in 1/H). */
  readonly scaleHeads: boolean;
}

const std = (lo: number, hi: number) => fc.integer({ min: Math.round(lo * 10), max: Math.round(hi * 10) }).map((v) => v / 10);

function denseUnit(o: ArchitectureOptions): fc.Arbitrary<DenseUnit> {
  return fc.record({
    kind: fc.constant('dense' as const),
    width: fc.constantFrom(...o.widths),
    wStd: std(0.8, 1.8),
    bStd: fc.oneof(fc.constant(0), std(0.1, 0.8)),
    act: fc.option(fc.constantFrom(...o.activations), { nil: null, freq: 4 }),
  });
}

function attentionUnit(o: ArchitectureOptions): fc.Arbitrary<AttentionUnit> {
  const decay: fc.Arbitrary<DecaySpec | null> = fc.oneof(
    fc.constant(null),
    std(0.2, 1.5).map((scale) => ({ kind: 'exp' as const, scale })),
    std(0.2, 1.5).map((scale) => ({ kind: 'inverse' as const, scale })),
    std(0.5, 2).map((exponent) => ({ kind: 'power' as const, exponent })),
  );
  const posEmb = fc.option(
    fc
      .record({
        type: fc.constantFrom('sum' as const, 'concat' as const),
        std: std(0.3, 1.2),
        channels: fc.constantFrom(4, 8),
        decay,
        // p ≤ 2 keeps every decay positive semi-definite (Pólya's criterion; Gaussian and Cauchy kernels).
        p: fc.constantFrom(1, 2),
        values: fc.boolean(),
        trainable: fc.boolean(),
      })
      .map(({ channels, ...pe }) => (pe.type === 'concat' ? { ...pe, channels } : pe)),
    { nil: null, freq: 2 },
  );
  const mech = fc.record({ scaling: fc.constantFrom<AttentionScaling>('linear', 'sqrt'), mechanism: fc.constantFrom<AttentionMechanism>('softmax', 'identity', 'relu', 'abs') });
  return fc.record({
    kind: fc.constant('attention' as const),
    heads: fc.constantFrom(1, 2),
    keyWidth: fc.constantFrom(4, 8),
    valueWidth: fc.constantFrom(4, 8),
    outWidth: fc.constantFrom(...o.widths),
    scaling: fc.constant<AttentionScaling>('linear'),
    mechanism: fc.constant<AttentionMechanism>('softmax'),
    wQStd: std(0.5, 1.5),
    wKStd: std(0.5, 1.5),
    wVStd: std(0.8, 1.5),
    wOStd: std(0.8, 1.5),
    bStd: fc.oneof(fc.constant(0), std(0.1, 0.5)),
    posEmb,
    act: fc.option(fc.constantFrom(...o.activations), { nil: null, freq: 3 }),
  })
    .chain((u) =>
      mech
        .filter((m) => !o.closedFormAttention || m.scaling === 'linear' || m.mechanism !== 'softmax')
        .filter((m) => !o.mechanisms || o.mechanisms.includes(m.mechanism))
        .map((m) => ({ ...u, ...m })),
    );
}

function unitArb(o: ArchitectureOptions): fc.Arbitrary<Unit> {
  const units: fc.Arbitrary<Unit>[] = [
    denseUnit(o),
    fc.constant<LayerNormUnit>({ kind: 'layerNorm' }),
    fc.record({
      kind: fc.constant('residual' as const),
      act: fc.option(fc.constantFrom(...o.activations), { nil: null, freq: 4 }),
      hidden: fc.option(fc.constantFrom(...o.widths), { nil: null }),
      hiddenAct: fc.constantFrom(...o.activations),
      wStd: std(0.5, 1.2),
      bStd: fc.oneof(fc.constant(0), std(0.1, 0.5)),
    }),
    fc.constant<PoolUnit>({ kind: 'pool' }),
  ];
  if (o.attention) units.push(attentionUnit(o));
  return fc.oneof(...units);
}

type Dist = 'deterministic' | 'gaussian' | 'general';

/**
 * The fold of units into layers: the law the kernel state will carry (docs/kernels.md §6), whether
 * the positions are pooled, the current width. `unknown` is the law after a layer this file does
 * not know (check-layer's layer under test): every unit may follow it, and one the kernel then
 * declines is refused with its reason (check-layer redraws).
 */
class Fold {
  readonly layers: Record<string, unknown>[] = [];
  dist: Dist | 'unknown';
  pooled: boolean;
  width: number;
  scaleHeads = false;

  constructor(start: { dist: Dist | 'unknown'; pooled: boolean; width: number }) {
    this.dist = start.dist;
    this.pooled = start.pooled;
    this.width = start.width;
  }

  // On the raw inputs an activation is the exact map of known features, which stay known.
  act(a: Act | null): void {
    if (a && this.dist !== 'general') {
      this.layers.push({ type: a });
      // After an unknown law the activation was accepted only on a Gaussian or known input; 'general' keeps
      // a second activation from being drawn (the kernel would decline it).
      this.dist = this.dist === 'deterministic' ? 'deterministic' : 'general';
    }
  }

  dense(u: DenseUnit): void {
    this.layers.push({ type: 'dense', width: u.width, wStd: u.wStd, bStd: u.bStd });
    this.width = u.width;
    this.dist = 'gaussian';
    this.act(u.act);
  }

  unit(u: Unit): void {
    switch (u.kind) {
      case 'dense':
        this.dense(u);
        break;
      case 'layerNorm':
        this.layers.push({ type: 'layerNorm' });
        break;
      case 'pool':
        if (this.pooled) break;
        this.layers.push({ type: 'globalAvgPool' });
        this.pooled = true;
        break;
      case 'residual': {
        const block: Record<string, unknown>[] = [];
        if (u.act && this.dist !== 'general') block.push({ type: u.act });
        if (u.hidden !== null) block.push({ type: 'dense', width: u.hidden, wStd: u.wStd, bStd: u.bStd }, { type: u.hiddenAct });
        block.push({ type: 'dense', width: this.width, wStd: u.wStd, bStd: u.bStd });
        this.layers.push({ type: 'residual', block });
        this.dist = this.dist === 'gaussian' ? 'gaussian' : this.dist === 'unknown' ? 'unknown' : 'general';
        break;
      }
      case 'attention': {
        if (this.pooled) break;
        const { kind: _k, act: a, ...spec } = u;
        this.layers.push({ type: 'attention', ...spec });
        if (u.scaling === 'sqrt') this.scaleHeads = true;
        this.width = u.outWidth;
        this.dist = 'gaussian';
        this.act(a);
        break;
      }
    }
  }
}

/** Folds units into a valid spec (see the header for the rules). `first` null: start on the raw inputs (needs `o.inputWidth`). */
export function assemble(first: DenseUnit | null, units: readonly Unit[], readout: { width: number; wStd: number; bStd: number }, o: ArchitectureOptions): Architecture {
  if (first === null && o.inputWidth === undefined) throw new Error('assemble: an architecture without a leading dense layer needs ArchitectureOptions.inputWidth');
  const f = new Fold({ dist: 'deterministic', pooled: false, width: o.inputWidth ?? 0 });
  // A required pattern goes right after the first dense layer, where it is always valid.
  if (first !== null) f.dense({ ...first, act: o.require ? o.require.activations[0] : first.act });
  if (first !== null && o.require?.pattern === 'act-layerNorm') f.layers.push({ type: 'layerNorm' });
  for (const u of units) f.unit(u);
  f.layers.push({ type: 'dense', width: readout.width, wStd: readout.wStd, bStd: readout.bStd });
  return { layers: f.layers, scaleHeads: f.scaleHeads };
}

export function architectureArb(o: ArchitectureOptions): fc.Arbitrary<Architecture> {
  return fc
    .record({
      first: o.inputWidth === undefined || o.require ? denseUnit(o) : fc.option(denseUnit(o), { nil: null, freq: 2 }),
      units: fc.array(unitArb(o), { maxLength: o.maxUnits }),
      readout: fc.record({ width: fc.constantFrom(1, 2), wStd: std(0.8, 1.5), bStd: fc.oneof(fc.constant(0), std(0.1, 0.5)) }),
    })
    .map(({ first, units, readout }) => assemble(first, units, readout, o));
}

/**
 * Random surroundings for one layer (check-layer's random compositions): built-in layers before it
 * (an optional dense lead-in, then units) and after it (units), then a dense(1) readout. The layer's
 * own output law and width are not known here: units after it are drawn as if it kept the width of
 * its input, and any the kernel then declines are refused with their reason. Shrinking drops units
 * and the lead-in's activation, towards the smallest surroundings that still fail.
 */
export interface Surroundings {
  /** Layers before the layer under test, on the raw inputs. */
  readonly before: readonly Record<string, unknown>[];
  /** Layers after it, the dense(1) readout last. */
  readonly after: readonly Record<string, unknown>[];
}

export interface SurroundingOptions extends Omit<ArchitectureOptions, 'maxUnits' | 'require'> {
  /** The raw inputs' channel count (units may act on the raw inputs, as in `inputWidth`). */
  readonly inputWidth: number;
  readonly maxBefore: number;
  readonly maxAfter: number;
}

export function surroundingsArb(o: SurroundingOptions): fc.Arbitrary<Surroundings> {
  const a: ArchitectureOptions = { ...o, maxUnits: Math.max(o.maxBefore, o.maxAfter) };
  return fc
    .record({
      // Mostly behind a dense lead-in (a Gaussian input, which most layers need), sometimes on the raw inputs.
      first: fc.option(denseUnit(a), { nil: null, freq: 4 }),
      before: fc.array(unitArb(a), { maxLength: o.maxBefore }),
      after: fc.array(unitArb(a), { maxLength: o.maxAfter }),
    })
    .map(({ first, before, after }) => {
      const f = new Fold({ dist: 'deterministic', pooled: false, width: o.inputWidth });
      if (first !== null) f.dense(first);
      for (const u of before) f.unit(u);
      const g = new Fold({ dist: 'unknown', pooled: f.pooled, width: f.width });
      for (const u of after) g.unit(u);
      g.layers.push({ type: 'dense', width: 1, wStd: 1, bStd: 0.1 });
      return { before: f.layers, after: g.layers };
    });
}

export interface InputOptions {
  readonly M: readonly [number, number];
  readonly T: readonly [number, number];
  readonly d: readonly [number, number];
  readonly masks: boolean;
}

/**
 * Random inputs: M sequences of T positions with d channels, entries k/10 in [−2, 2] (readable when
 * printed, and shrinking towards 0), optionally a mask keeping a prefix of ≥ 1 positions per input.
 */
export function inputsArb(o: InputOptions): fc.Arbitrary<InputsSpec> {
  return fc
    .record({ M: fc.integer({ min: o.M[0], max: o.M[1] }), T: fc.integer({ min: o.T[0], max: o.T[1] }), d: fc.integer({ min: o.d[0], max: o.d[1] }) })
    .chain(({ M, T, d }) =>
      fc.record({
        inputs: fc.array(fc.array(fc.array(fc.integer({ min: -20, max: 20 }).map((v) => v / 10), { minLength: d, maxLength: d }), { minLength: T, maxLength: T }), {
          minLength: M,
          maxLength: M,
        }),
        lengths: o.masks && T > 1 ? fc.option(fc.array(fc.integer({ min: 1, max: T }), { minLength: M, maxLength: M }), { nil: null }) : fc.constant(null),
      }),
    )
    .map(({ inputs, lengths }) => {
      const T = inputs[0].length;
      return lengths ? { inputs, mask: lengths.map((L) => Array.from({ length: T }, (_, t) => (t < L ? 1 : 0))) } : { inputs };
    });
}
