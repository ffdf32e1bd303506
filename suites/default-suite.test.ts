/**
 * The default suite (`npm run validate`, the README's first command) shows what the project is for
 * (issue 11, item 7): besides MLPs, linear attention with a closed-form kernel, sqrt attention with
 * a sampled kernel whose heads grow with the width, positional embeddings, masks, and a transformer
 * encoder block. Its verdicts run in `npm run validate`; the committed baseline of its kernels is
 * checked by suites/baselines.test.ts. This only reads the suite file (no sampling).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSuite } from '../src/validation/suite.ts';
import { buildNetwork } from '../src/network.ts';
import type { AttentionSpec, LayerSpec } from '../src/spec/types.ts';

const cases = loadSuite(resolve(import.meta.dirname, '../fixtures/suites/default.json'));
const flat = (ls: readonly LayerSpec[]): LayerSpec[] => ls.flatMap((l) => (l.type === 'residual' ? [l, ...flat(l.block)] : [l]));
const attention = (c: (typeof cases)[number]) => flat(c.spec.layers).filter((l): l is AttentionSpec => l.type === 'attention');
const masked = (c: (typeof cases)[number]) => c.inputs.mask.some((m) => m === 0);

describe('the default suite', () => {
  it('runs linear attention with a closed-form kernel, an embedding and masks', () => {
    const c = cases.find((x) => attention(x).some((a) => a.scaling === 'linear' && a.posEmb !== null) && masked(x));
    expect(c, cases.map((x) => x.name).join(', ')).toBeDefined();
    expect(buildNetwork(c!.spec, c!.inputs).sampled).toBe(false);
  });

  it('runs sqrt attention with a sampled kernel, an embedding and masks, its heads growing with the width', () => {
    const c = cases.find((x) => attention(x).some((a) => a.scaling === 'sqrt' && a.mechanism !== 'identity' && a.posEmb !== null) && masked(x) && !flat(x.spec.layers).some((l) => l.type === 'residual'));
    expect(c).toBeDefined();
    expect(buildNetwork(c!.spec, c!.inputs).sampled).toBe(true);
    expect(c!.scaleHeads).toBe(true);
  });

  it('runs a transformer encoder block: residual attention, LayerNorm, residual MLP, pooling', () => {
    const c = cases.find((x) => x.spec.layers.some((l) => l.type === 'residual' && l.block.some((b) => b.type === 'attention')));
    expect(c).toBeDefined();
    const types = c!.spec.layers.map((l) => (l.type === 'residual' ? `residual(${l.block.map((b) => b.type).join(',')})` : l.type));
    expect(types).toEqual(expect.arrayContaining(['layerNorm', 'residual(dense,relu,dense)', 'globalAvgPool']));
    expect(c!.scaleHeads).toBe(true);
    expect(masked(c!)).toBe(true);
  });

  it('still covers the MLP layers', () => {
    const types = new Set(cases.filter((c) => attention(c).length === 0).flatMap((c) => flat(c.spec.layers).map((l) => l.type)));
    for (const t of ['dense', 'relu', 'abs', 'layerNorm', 'residual', 'globalAvgPool']) expect(types, t).toContain(t);
  });
});

describe('every suite file', () => {
  const dir = resolve(import.meta.dirname, '../fixtures/suites');
  it.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('%s: where a kernel is the H → ∞ limit, the heads grow with the width', async (f) => {
    const { needsHeadScaling } = await import('../src/layers/heads.ts');
    for (const c of loadSuite(resolve(dir, f))) if (needsHeadScaling(c.spec)) expect(c.scaleHeads, c.name).toBe(true);
  });
});
