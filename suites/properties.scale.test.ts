/**
 * Property: width and head scaling never changes the analytic kernel (issue 11, item 1). Every
 * ensemble of a case runs at scaleSpec(spec, f) and is compared with kernel(spec), so a factor that
 * turns the spec into another architecture (a concat embedding's n/(n + n_pe) on inputs whose width
 * does not scale, a residual block on the raw inputs) makes a correct layer fail.
 *
 * Over random architectures — every layer type, positional embeddings, layers on the raw inputs,
 * residual blocks — and every width and head factor a suite file, `check-layer` or `sweep` uses:
 * kernel(scaleSpec(spec, f)) equals kernel(spec) to float64 round-off for closed-form kernels, and
 * within the sampling error for sampled ones; or scaleSpec refuses the factor with a SpecError
 * naming the embedding (no whole n_pe keeps the ratio). The scaled spec must also build as a
 * finite network. Kernels only: no ensembles, so this is cheap.
 */
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { architectureArb, inputsArb, type Architecture } from './arbitraries.ts';
import { parseInputs, SpecError } from '../src/spec/schema.ts';
import { parseNetworkSpec } from '../src/layers/parse.ts';
import { scaleSpec } from '../src/layers/scale.ts';
import { computeKernel, type KernelOptions, type KernelResult } from '../src/pipeline/kernel.ts';
import { KernelError } from '../src/kernels/state.ts';
import { buildNetwork } from '../src/network.ts';
import type { InputsSpec, NetworkSpec } from '../src/spec/types.ts';
import { boundedProperty } from './propertySupport.ts';

const root = resolve(import.meta.dirname, '..');
/** Width factors in use: every suite file's `scales`, and check-layer's and sweep's defaults (1, 2, 4). */
const factors = [
  ...new Set([
    1,
    2,
    4,
    ...readdirSync(resolve(root, 'fixtures/suites'))
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => (JSON.parse(readFileSync(resolve(root, 'fixtures/suites', f), 'utf8')).cases as { scales: number[] }[]).flatMap((c) => c.scales)),
  ]),
].sort((a, b) => a - b);

const sampledOptions: KernelOptions = { precision: 0.05, samples: 32, replicas: 8, maxSamples: 1 << 10, seed: 3 };

/** Largest |a − b| relative to max |b|. */
function relativeGap(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst / Math.max(scale, 1e-300);
}

/** max over entries of |a − b| / √(SE_a² + SE_b²): a sampled kernel's difference in units of its error. */
function sampledGap(a: KernelResult, b: KernelResult, which: 'nngp' | 'ntk'): number {
  const sa = a[`${which}SE`]!;
  const sb = b[`${which}SE`]!;
  let worst = 0;
  for (let i = 0; i < a[which].length; i++) {
    const d = Math.abs(a[which][i] - b[which][i]);
    const se = Math.hypot(sa[i], sb[i]);
    worst = Math.max(worst, se > 0 ? d / se : d === 0 ? 0 : Infinity);
  }
  return worst;
}

/**
 * Checks one architecture at every factor; returns the factors refused (SpecError on posEmb.channels).
 * Sampled kernels: the largest standardised difference over at most 2·P² entries must stay below 6,
 * a bound a correct pair exceeds with probability < 1e-6 per entry under normal errors; a changed
 * n/(n + n_pe) moves entries by far more than the precision 0.05 asked for here.
 */
function checkArchitecture(arch: Architecture, inputs: InputsSpec): { refused: number[]; skipped: boolean } {
  const spec: NetworkSpec = parseNetworkSpec({ layers: arch.layers });
  const batch = parseInputs(inputs);
  let base: KernelResult;
  try {
    base = computeKernel(spec, batch, sampledOptions);
  } catch (e) {
    // A composition the kernel declines (with its reason) is not a scaling question.
    if (e instanceof KernelError) return { refused: [], skipped: true };
    throw e;
  }
  const refused: number[] = [];
  for (const f of factors)
    for (const heads of [1, f]) {
      let scaled: NetworkSpec;
      try {
        scaled = scaleSpec(spec, { width: f, heads });
      } catch (e) {
        if (e instanceof SpecError && /posEmb\.channels: width factor/.test(e.message)) {
          refused.push(f);
          continue;
        }
        throw e;
      }
      const what = `×${f} (heads ×${heads}) of ${JSON.stringify(spec)}`;
      expect(() => buildNetwork(scaled, batch), `the scaled spec must build: ${what}`).not.toThrow();
      const k = computeKernel(scaled, batch, sampledOptions);
      for (const which of ['nngp', 'ntk'] as const) {
        if (base.nngpSE === null) expect(relativeGap(k[which], base[which]), `${which} ${what}`).toBeLessThanOrEqual(1e-12);
        else expect(sampledGap(k, base, which), `${which} ${what}`).toBeLessThan(6);
      }
    }
  return { refused, skipped: false };
}

describe('scaling keeps the kernel', () => {
  it('covers the factors the suites use', () => {
    expect(factors).toEqual(expect.arrayContaining([0.5, 1, 2, 3, 4]));
  });

  // Inputs first: an architecture that starts on the raw inputs needs their width d (a residual
  // block there must end in dense(d)).
  const archAndInputs = (closedFormAttention: boolean, widths: number[]) =>
    inputsArb({ M: [1, 2], T: [2, 3], d: [2, 5], masks: true }).chain((inputs) =>
      fc.tuple(
        architectureArb({ maxUnits: 3, widths, activations: ['relu', 'erf', 'abs', 'gelu', 'tanh'], attention: true, closedFormAttention, inputWidth: inputs.inputs[0][0].length }),
        fc.constant(inputs),
      ),
    );

  // Each test's timeout (ms): fast-check stops shrinking a failure in time to report it (boundedProperty).
  const timeout = 120_000;

  test.prop([archAndInputs(true, [4, 6, 9, 12])], boundedProperty(60, timeout))(
    'closed-form kernels: equal to float64 round-off at every factor, or the factor is refused',
    ([arch, inputs]) => {
      checkArchitecture(arch, inputs);
    },
    timeout,
  );

  test.prop([archAndInputs(false, [4, 8]).filter(([a]) => a.layers.some((l) => l.type === 'attention' && l.scaling === 'sqrt' && l.mechanism !== 'identity'))], boundedProperty(6, timeout))(
    'sampled kernels: equal within their standard errors at every factor',
    ([arch, inputs]) => {
      checkArchitecture(arch, inputs);
    },
    timeout,
  );
});

describe('the cases that made correct layers fail', () => {
  const inputs: InputsSpec = {
    inputs: [
      [[0.3, -1.1, 0.4], [1.2, 0.2, -0.5]],
      [[-0.7, 0.9, 1.0], [0.1, -0.4, 0.8]],
    ],
  };
  const concat = (channels: number) => ({ type: 'attention', heads: 1, keyWidth: 8, valueWidth: 8, outWidth: 8, scaling: 'linear', posEmb: { type: 'concat', channels, std: 1, values: true } });
  const sum = { type: 'attention', heads: 1, keyWidth: 8, valueWidth: 8, outWidth: 3, scaling: 'linear', posEmb: { type: 'sum', std: 1 } };
  const kernelAt = (layers: Record<string, unknown>[], f: number) => {
    const spec = parseNetworkSpec({ layers });
    return computeKernel(scaleSpec(spec, { width: f }), parseInputs(inputs)).ntk;
  };

  it('a residual block on the raw inputs keeps its width and its kernel at ×0.5, ×2 and ×4', () => {
    const layers = [{ type: 'residual', block: [{ type: 'dense', width: 8 }, { type: 'relu' }, { type: 'dense', width: 3 }] }, { type: 'dense', width: 1 }];
    const k1 = kernelAt(layers, 1);
    for (const f of [0.5, 2, 4]) expect(relativeGap(kernelAt(layers, f), k1), `×${f}`).toBeLessThanOrEqual(1e-12);
  });

  // The embedding's Gram PPᵀ/n_pe reaches its mean only as the channels carrying P grow, which the
  // raw inputs' cannot: no width factor gives these networks the kernel's limit, so the layer declines.
  it.each([
    ['concat on the raw inputs', [concat(8), { type: 'dense', width: 1 }]],
    ['relu → attention(concat) → dense → dense(1)', [{ type: 'relu' }, concat(8), { type: 'dense', width: 8 }, { type: 'dense', width: 1 }]],
    ['sum after LayerNorm of the raw inputs', [{ type: 'layerNorm' }, sum, { type: 'dense', width: 1 }]],
    ['sum after a residual block on the raw inputs', [{ type: 'residual', block: [{ type: 'dense', width: 3 }] }, sum, { type: 'dense', width: 1 }]],
  ])('%s: the kernel declines the embedding, with the reason', (_name, layers) => {
    expect(() => kernelAt(layers, 1)).toThrow(KernelError);
    expect(() => kernelAt(layers, 1)).toThrow(/positional embedding on the raw inputs has no infinite-width limit.*put a dense layer before the attention/);
  });

  it('accepts the same embeddings behind a dense layer', () => {
    expect(() => kernelAt([{ type: 'dense', width: 8 }, concat(8), { type: 'dense', width: 1 }], 1)).not.toThrow();
    expect(() => kernelAt([{ type: 'dense', width: 3 }, { type: 'relu' }, sum, { type: 'dense', width: 1 }], 1)).not.toThrow();
  });

  it('scales n_pe with the width the embedding sees, and refuses a factor that no whole n_pe can follow', () => {
    const spec = parseNetworkSpec({ layers: [{ type: 'dense', width: 32 }, concat(8), { type: 'dense', width: 1 }] });
    const at = (f: number, s: NetworkSpec = spec) => (scaleSpec(s, { width: f }).layers[1] as { posEmb: { channels: number } }).posEmb.channels;
    expect([0.5, 2, 3].map((f) => at(f))).toEqual([4, 16, 24]);
    const odd = parseNetworkSpec({ layers: [{ type: 'dense', width: 33 }, concat(8), { type: 'dense', width: 1 }] });
    expect(at(2, odd)).toBe(16);
    expect(() => at(0.5, odd)).toThrow(/layers\[1\]\.posEmb\.channels: width factor 0\.5 turns the layer's input width 33 into 17/);
  });
});
