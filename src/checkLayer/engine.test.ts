/**
 * The parts of check-layer that need no sampling: the table's names, a layer module's scaling and
 * head-limit hooks as scaleSpec and needsHeadScaling apply them, the sample checks, the weakest power.
 * (suites/check-layer.test.ts runs compositions.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { scaleSpec } from '../layers/scale.ts';
import { needsHeadScaling } from '../layers/heads.ts';
import { networkSpecFrom } from '../layers/parse.ts';
import { parseInputs } from '../spec/schema.ts';
import * as v from 'valibot';
import { builtInLayers, registerLayer, unregisterLayer } from '../layers/registry.ts';
import type { LayerModule } from '../layers/module.ts';
import { asLayerModule, LayerModuleError } from '../layers/module.ts';
import { checkedSample, CheckLayerError, weakestPower, type CompositionRow } from './engine.ts';
import { rowDesign, tableRows } from './compositions.ts';

const inputs = parseInputs({ inputs: [[[1, 0], [0, 1]], [[0.5, 0.5], [1, -1]]] });

describe('the table', () => {
  it('has unique row names without commas or spaces, and every row ends in the dense(1) readout', () => {
    const rows = tableRows(64, 1);
    const names = rows.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Za-z][\w-]*$/);
    for (const r of rows) expect(r.composition.after.at(-1)).toEqual({ type: 'dense', width: 1, wStd: 1, bStd: 0.1 });
  });

  it('covers one and several positions, masked and unmasked inputs, both attention scalings before the layer', () => {
    const rows = tableRows(64, 1);
    const before = (r: (typeof rows)[number]) => r.composition.before as Record<string, unknown>[];
    expect(rows.some((r) => before(r).some((l) => l.type === 'globalAvgPool'))).toBe(true);
    expect(rows.some((r) => r.composition.masked)).toBe(true);
    expect(rows.some((r) => !r.composition.masked && before(r).length === 0)).toBe(true);
    expect(rows.some((r) => before(r).some((l) => l.type === 'residual'))).toBe(true);
    expect(new Set(rows.flatMap((r) => before(r).filter((l) => l.type === 'attention').map((l) => l.scaling)))).toEqual(new Set(['linear', 'sqrt']));
  });

  it("runs the sqrt attention row at twice the run's width factors with 1.5× the natural curvature allowance, every other row at the run's with none", () => {
    // From width 64 that row's bias curves beyond the a/width model (docs/calibration.md).
    const rows = tableRows(64, 1);
    for (const r of rows) {
      const { scales, curvatureFactor } = rowDesign({ networks: 256, scales: [1, 2, 4] }, r);
      expect([r.name, scales, curvatureFactor]).toEqual(r.name === 'sqrt-attention' ? [r.name, [2, 4, 8], 1.5] : [r.name, [1, 2, 4], 1]);
    }
  });
});

describe("a layer module's hooks", () => {
  // A type with no rules of its own: its spec passes as written, it keeps its input's width, it counts as non-linear.
  registerLayer('mine', builtInLayers.relu);
  afterAll(() => unregisterLayer('mine'));
  const spec = networkSpecFrom({
    layers: [{ type: 'dense', width: 8, wStd: 1, bStd: 0 }, { type: 'mine', width: 6, heads: 1 }, { type: 'relu' }, { type: 'dense', width: 1, wStd: 1, bStd: 0 }],
  });
  const hook = (l: unknown, ctx: { width: number; heads: number; path: string; input: { written: number; scaled: number } | null }) =>
    ctx.path === 'layers[1]' ? { ...(l as object), width: 6 * ctx.width, heads: ctx.heads, seen: ctx.input } : undefined;

  it('scaleSpec applies the per-layer rule where it answers, with the input width as written and as scaled', () => {
    const s = scaleSpec(spec, { width: 2, heads: 3, layer: hook as never });
    expect(s.layers[1]).toEqual({ type: 'mine', width: 12, heads: 3, seen: { written: 8, scaled: 16 } });
    expect(s.layers[0]).toEqual({ type: 'dense', width: 16, wStd: 1, bStd: 0 });
    // Without the rule a type scale.ts does not know is kept as written.
    expect(scaleSpec(spec, { width: 2 }).layers[1]).toEqual({ type: 'mine', width: 6, heads: 1 });
  });

  it('needsHeadScaling counts a layer the rule declares a head limit, followed by a non-linearity', () => {
    expect(needsHeadScaling(spec)).toBe(false);
    expect(needsHeadScaling(spec, (_l, path) => (path === 'layers[1]' ? true : undefined))).toBe(true);
    const last = networkSpecFrom({ layers: [{ type: 'dense', width: 8, wStd: 1, bStd: 0 }, { type: 'mine' }, { type: 'dense', width: 1, wStd: 1, bStd: 0 }] });
    expect(needsHeadScaling(last, (_l, path) => (path === 'layers[1]' ? true : undefined))).toBe(false);
  });

  it('asLayerModule refuses hooks that are not functions', () => {
    expect(() => asLayerModule({ type: 'x', factory: () => null, scale: 3 }, 'f.ts')).toThrow(LayerModuleError);
    expect(() => asLayerModule({ type: 'x', factory: () => null, broken: { b: { bug: 'b', factory: () => null, headLimit: 'yes' } } }, 'f.ts')).toThrow(/broken\.b must be/);
  });
});

describe('the sample, checked before anything is sampled', () => {
  it("a built-in name's sample goes through the built-in's schema, defaults filled in", () => {
    const mod: LayerModule = { type: 'attention', factory: builtInLayers.attention as LayerModule['factory'], sample: { type: 'attention', heads: 1, keyWidth: 4, valueWidth: 4, outWidth: 4 } as never };
    expect(checkedSample(mod, mod.factory as never, inputs, 8)).toMatchObject({ scaling: 'sqrt', mechanism: 'softmax', posEmb: null });
    const bad: LayerModule = { ...mod, sample: { type: 'attention', heads: 1, keyWidth: 4, valueWidth: 4, outWidth: 4, gain: 2 } as never };
    expect(() => checkedSample(bad, bad.factory as never, inputs, 8)).toThrow(/sample\.gain: unknown key.*a layer with keys of its own needs a name of its own/);
  });

  it("a new type's sample goes through the module's own schema, defaults filled in", () => {
    const schema = v.strictObject({ type: v.literal('gained'), gain: v.optional(v.number(), 2) });
    const mod: LayerModule = { type: 'gained', factory: builtInLayers.relu as LayerModule['factory'], schema: schema as never };
    expect(checkedSample(mod, mod.factory as never, inputs, 8)).toEqual({ type: 'gained', gain: 2 });
    const bad: LayerModule = { ...mod, sample: { type: 'gained', gian: 1 } as never };
    expect(() => checkedSample(bad, bad.factory as never, inputs, 8)).toThrow(/its "sample" spec .* does not pass the module's schema: sample\.gian: unknown key/);
    expect(() => asLayerModule({ type: 'x', factory: () => null, schema: { type: 'object' } }, 'f.ts')).toThrow(/"schema" must be a valibot schema/);
  });

  it('a factory that throws on the sample is one CheckLayerError naming the spec and the site', () => {
    const mod: LayerModule = {
      type: 'scaled',
      factory: ((spec: { gain: number }) => {
        spec.gain.toFixed();
        throw new Error('unreachable');
      }) as never,
    };
    expect(() => checkedSample(mod, mod.factory as never, inputs, 8)).toThrow(CheckLayerError);
    expect(() => checkedSample(mod, mod.factory as never, inputs, 8)).toThrow(/^the factory cannot build a layer from \{ type: "scaled" \} \(the module has no "sample"; give one with the keys the factory reads\) on the raw inputs: TypeError: /);
  });
});

describe('a sample that fits some slots only', () => {
  // A residual block keeps its input width: width 8 fits after the dense lead-in (8 channels), not
  // the raw inputs (2 channels), whose rows are then refused; width 5 fits no slot.
  const residual = (width: number): LayerModule => ({
    type: 'residual',
    factory: builtInLayers.residual as LayerModule['factory'],
    sample: { type: 'residual', block: [{ type: 'dense', width }] } as never,
  });
  it('is accepted when it fits one slot', () => {
    expect(checkedSample(residual(8), residual(8).factory as never, inputs, 8)).toMatchObject({ type: 'residual' });
  });
  it('is refused, naming every slot, when it fits none', () => {
    expect(() => checkedSample(residual(5), residual(5).factory as never, inputs, 8)).toThrow(/cannot build a layer from its "sample" spec .* in any slot: on the raw inputs: .*; after a dense layer \(8 channels, T = 2\): .*; after a dense layer \(8 channels, T = 1\): /);
  });
});

describe('the weakest power', () => {
  const row = (name: string, d: [number, number][], inconclusive = false) =>
    ({
      name,
      verdicts: d.map(([uniform, entry], i) => ({ kernel: i ? 'ntk' : 'nngp', detectable: { uniform, entry }, inconclusive: inconclusive ? ['power: …'] : [] })),
    }) as unknown as CompositionRow;

  it('is the largest detectable error over decided verdicts, uniform and one-entry apart', () => {
    const w = weakestPower([row('a', [[0.05, 0.2], [0.07, 0.1]]), row('b', [[0.06, 0.3]]), row('c', [[0.5, 0.9]], true)]);
    expect(w).toEqual({ uniform: { row: 'a', kernel: 'ntk', value: 0.07 }, entry: { row: 'b', kernel: 'nngp', value: 0.3 } });
    expect(weakestPower([row('c', [[0.5, 0.9]], true)])).toBeNull();
  });
});
